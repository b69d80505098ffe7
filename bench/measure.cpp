// measure: runs one command several times and reports its wall time and peak memory, so the
// benchmarks need neither hyperfine nor GNU time.
//
//   measure [--runs K] [--timeout SECONDS] [--max-memory MIB] [--setup SHELL-COMMAND]
//           [--label NAME] [--stdout FILE] [--format tsv|json] [--header] [--each]
//           -- COMMAND [ARG]...
//
// Each run forks and execs COMMAND directly (no shell in between, so the time is the
// program's own), with stdout to /dev/null (or FILE, rewritten on each run) and stderr
// inherited. `--setup` runs through /bin/sh before each run and is not timed: it restores the
// state a writing command starts from (e.g. copies a prepared ledger). The time is taken with
// CLOCK_MONOTONIC from just before fork to the child's reaping; the peak resident memory is the
// child's own ru_maxrss from wait4. `--max-memory` limits the child's address space
// (RLIMIT_AS), so a tool that would need more fails on its own instead of pushing the machine
// into swap or the OOM killer; the run then ends with that tool's exit status.
//
// One line per measurement: label, runs done, status (ok, exit=N, signal=N or timeout), then
// median, p99 (nearest rank), min and max in milliseconds, the largest peak RSS of the runs
// in KiB, and the median CPU time (user + system, from the same wait4) in milliseconds: on a
// machine shared with other work the wall time includes waiting for a core, the CPU time not. `--each` also prints every run's time first. Exit status: 0 when every run exited 0;
// 1 when a run failed or timed out (the line says which); 2 on a usage error.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Options {
  int runs = 3;
  double timeout_seconds = 0; // 0: none
  long max_memory_mib = 0;     // 0: no limit
  std::string setup;
  std::string label;
  std::string stdout_path = "/dev/null";
  bool json = false;
  bool header = false;
  bool each = false;
  std::vector<char*> command;
};

struct Run {
  double ms = 0;
  double cpu_ms = 0;
  long peak_rss_kib = 0;
  std::string status = "ok";
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "measure: %s\nusage: measure [--runs K] [--timeout SECONDS] [--max-memory MIB] "
               "[--setup CMD] [--label NAME] [--stdout FILE] [--format tsv|json] [--header] [--each] -- "
               "COMMAND [ARG]...\n",
               why);
  std::exit(2);
}

double now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

Options parse(int argc, char** argv) {
  Options o;
  int i = 1;
  auto value = [&](const char* name) -> std::string {
    if (i + 1 >= argc) usage((std::string(name) + " needs a value").c_str());
    return argv[++i];
  };
  for (; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "--runs") {
      const auto v = value("--runs");
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (*end != '\0' || n < 1 || n > 1000000) usage("--runs: expected a whole number from 1");
      o.runs = static_cast<int>(n);
    } else if (a == "--timeout") {
      const auto v = value("--timeout");
      char* end = nullptr;
      o.timeout_seconds = std::strtod(v.c_str(), &end);
      if (*end != '\0' || o.timeout_seconds < 0) usage("--timeout: expected seconds");
    } else if (a == "--max-memory") {
      const auto v = value("--max-memory");
      char* end = nullptr;
      o.max_memory_mib = std::strtol(v.c_str(), &end, 10);
      if (*end != '\0' || o.max_memory_mib < 1) usage("--max-memory: expected MiB from 1");
    } else if (a == "--setup") {
      o.setup = value("--setup");
    } else if (a == "--label") {
      o.label = value("--label");
    } else if (a == "--stdout") {
      o.stdout_path = value("--stdout");
    } else if (a == "--format") {
      const auto v = value("--format");
      if (v != "tsv" && v != "json") usage("--format: tsv or json");
      o.json = v == "json";
    } else if (a == "--header") {
      o.header = true;
    } else if (a == "--each") {
      o.each = true;
    } else {
      usage(("unknown option " + std::string(a)).c_str());
    }
  }
  for (; i < argc; ++i) o.command.push_back(argv[i]);
  if (o.command.empty()) usage("no command after --");
  o.command.push_back(nullptr);
  if (o.label.empty()) o.label = o.command.front();
  return o;
}

// Runs the setup through the shell and waits for it; its failure ends the measurement.
void run_setup(const std::string& setup, const sigset_t& old_mask) {
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("measure: fork");
    std::exit(1);
  }
  if (pid == 0) {
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    execl("/bin/sh", "sh", "-c", setup.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      std::perror("measure: waitpid");
      std::exit(1);
    }
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "measure: --setup failed: %s\n", setup.c_str());
    std::exit(1);
  }
}

Run run_once(const Options& o, const sigset_t& old_mask) {
  Run r;
  const double start = now_ms();
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("measure: fork");
    std::exit(1);
  }
  if (pid == 0) {
    // Its own process group, so a timeout ends whatever it started too.
    setpgid(0, 0);
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    const int fd = open(o.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) _exit(126);
    if (o.max_memory_mib > 0) {
      const auto bytes = static_cast<rlim_t>(o.max_memory_mib) * 1024 * 1024;
      const rlimit limit{bytes, bytes};
      if (setrlimit(RLIMIT_AS, &limit) != 0) _exit(126);
    }
    execvp(o.command.front(), o.command.data());
    std::fprintf(stderr, "measure: cannot run %s: %s\n", o.command.front(), std::strerror(errno));
    _exit(127);
  }
  setpgid(pid, pid); // also here, so the group exists before any kill below
  int status = 0;
  rusage usage{};
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  for (;;) {
    const pid_t done = wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      std::perror("measure: wait4");
      std::exit(1);
    }
    // SIGCHLD is blocked: wait for it (or the timeout) without polling, so short commands are
    // timed to the microsecond.
    if (o.timeout_seconds > 0) {
      const double left_ms = o.timeout_seconds * 1e3 - (now_ms() - start);
      if (left_ms <= 0) {
        kill(-pid, SIGKILL);
        wait4(pid, &status, 0, &usage);
        r.status = "timeout";
        break;
      }
      timespec ts{};
      ts.tv_sec = static_cast<time_t>(left_ms / 1e3);
      ts.tv_nsec = static_cast<long>((left_ms - static_cast<double>(ts.tv_sec) * 1e3) * 1e6);
      sigtimedwait(&chld, nullptr, &ts);
    } else {
      int sig = 0;
      sigwait(&chld, &sig);
    }
  }
  r.ms = now_ms() - start;
  r.peak_rss_kib = usage.ru_maxrss;
  const auto tv_ms = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) * 1e3 + static_cast<double>(tv.tv_usec) / 1e3;
  };
  r.cpu_ms = tv_ms(usage.ru_utime) + tv_ms(usage.ru_stime);
  if (r.status == "ok") {
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
      r.status = "exit=" + std::to_string(WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
      r.status = "signal=" + std::to_string(WTERMSIG(status));
    }
  }
  return r;
}

// The value at nearest rank ceil(p × n) of the sorted times.
double percentile(const std::vector<double>& sorted, double p) {
  const auto n = sorted.size();
  auto rank = static_cast<std::size_t>(p * static_cast<double>(n) + 0.999999);
  rank = std::clamp<std::size_t>(rank, 1, n);
  return sorted[rank - 1];
}

double median(const std::vector<double>& sorted) {
  const auto n = sorted.size();
  return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

} // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  sigset_t chld, old_mask;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old_mask);

  std::vector<Run> runs;
  for (int i = 0; i < o.runs; ++i) {
    if (!o.setup.empty()) run_setup(o.setup, old_mask);
    runs.push_back(run_once(o, old_mask));
    if (runs.back().status != "ok") break;
  }

  std::vector<double> times, cpu;
  long peak = 0;
  std::string status = "ok";
  for (const auto& r : runs) {
    times.push_back(r.ms);
    cpu.push_back(r.cpu_ms);
    peak = std::max(peak, r.peak_rss_kib);
    if (r.status != "ok") status = r.status;
  }
  std::vector<double> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  std::sort(cpu.begin(), cpu.end());

  if (o.json) {
    std::printf("{\"label\":%s,\"runs\":%zu,\"status\":%s,\"median_ms\":%.3f,\"p99_ms\":%.3f,"
                "\"min_ms\":%.3f,\"max_ms\":%.3f,\"peak_rss_kib\":%ld,\"cpu_median_ms\":%.3f",
                json_string(o.label).c_str(), runs.size(), json_string(status).c_str(),
                median(sorted), percentile(sorted, 0.99), sorted.front(), sorted.back(), peak,
                median(cpu));
    if (o.each) {
      std::printf(",\"each_ms\":[");
      for (std::size_t i = 0; i < times.size(); ++i) std::printf("%s%.3f", i ? "," : "", times[i]);
      std::printf("]");
    }
    std::printf("}\n");
  } else {
    if (o.header) {
      std::printf("label\truns\tstatus\tmedian_ms\tp99_ms\tmin_ms\tmax_ms\tpeak_rss_kib\t"
                  "cpu_median_ms\n");
    }
    if (o.each) {
      for (std::size_t i = 0; i < times.size(); ++i) {
        std::printf("# %s run %zu: %.3f ms (CPU %.3f ms), %ld KiB, %s\n", o.label.c_str(), i + 1,
                    times[i], runs[i].cpu_ms, runs[i].peak_rss_kib, runs[i].status.c_str());
      }
    }
    std::printf("%s\t%zu\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%ld\t%.3f\n", o.label.c_str(),
                runs.size(), status.c_str(), median(sorted), percentile(sorted, 0.99),
                sorted.front(), sorted.back(), peak, median(cpu));
  }
  std::fflush(stdout);
  return status == "ok" ? 0 : 1;
}
