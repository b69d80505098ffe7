// stockpile — the command line. It parses, calls the library, prints; every error is caught
// here, printed as one line "stockpile: error: ..." and turned into the exit code its kind
// carries (1 data or rule, 2 usage, 3 integrity, 4 storage).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cassert>
#include <initializer_list>
#include <string_view>
#include <fmt/format.h>

#include "common.hpp"
#include "stockpile/error.hpp"
#include "stockpile/process.hpp"
#include "stockpile/version.hpp"

namespace {

int fail(const std::string& message, int code) {
  fmt::print(stderr, "stockpile: error: {}\n", message);
  return code;
}

// CLI11 reports "A subcommand is required" for `stockpile material lst`; a keeper needs to
// hear which word was wrong and what the choices are.
std::string missing_command_message(const CLI::App& app) {
  std::vector<const CLI::App*> chain{&app};
  for (;;) {
    auto used = chain.back()->get_subcommands();
    if (used.empty()) break;
    chain.push_back(used.front());
  }
  const CLI::App* deepest = chain.back();
  std::string choices;
  for (const auto* sub : deepest->get_subcommands({})) {
    stockpile::cli::append_joined(choices, ", ", sub->get_name());
  }
  if (choices.empty()) return {};
  const std::string where = deepest == &app ? "stockpile" : "stockpile " + deepest->get_name();
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    auto rest = (*it)->remaining();
    if (!rest.empty()) {
      return fmt::format("{} \"{}\": unknown command; expected one of: {}", where, rest.front(),
                         choices);
    }
  }
  return fmt::format("{}: a command is required; expected one of: {}", where, choices);
}

// The command groups, each with the top-level commands it registers. Building every group's
// options took about 30 % of the instructions of a small command (`stock --depot D --material
// M`: 3.3M of 11.4M under callgrind, more than reading the ledger's schema), so a command run
// by name registers only the groups that name it. reserve adds `depot dispatch` and so needs
// depot first: both name its commands. A command in no group (a typo, none at all, --help)
// registers them all, so help and "unknown command" list every choice.
struct CommandGroup {
  void (*setup)(CLI::App&);
  std::initializer_list<std::string_view> commands;
};

const std::array<CommandGroup, 14>& command_groups() {
  using namespace stockpile::cli;
  static const std::array<CommandGroup, 14> groups{{
      {setup_init, {"init"}},
      {setup_material, {"material"}},
      {setup_org, {"org"}},
      {setup_depot, {"depot", "incident", "quota", "commitment", "allocate"}},
      {setup_custodian, {"custodian"}},
      {setup_movements, {"receive", "issue", "transfer", "dispose", "return", "reverse"}},
      {setup_stock, {"stock", "lots", "lot-status", "ledger", "verify"}},
      {setup_stocktake, {"stocktake"}},
      {setup_reserve, {"depot", "incident", "quota", "commitment", "allocate"}},
      {setup_audit, {"audit"}},
      {setup_report, {"report"}},
      {setup_inspect, {"inspect"}},
      {setup_export, {"export"}},
      {setup_import, {"import"}},
  }};
  return groups;
}

// The command word: the first argument that is neither an option nor the value of a global
// option that takes one (--db, --format, --tz; "--db=x" is one argument).
std::string_view command_word(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--db" || arg == "--format" || arg == "--tz") {
      ++i;
    } else if (!arg.starts_with('-')) {
      return arg;
    }
  }
  return {};
}

bool names(const CommandGroup& group, std::string_view command) {
  return std::find(group.commands.begin(), group.commands.end(), command) !=
         group.commands.end();
}

// Whether some group registers `command` at the top level.
bool known_command(std::string_view command) {
  const auto& groups = command_groups();
  return std::any_of(groups.begin(), groups.end(),
                     [&](const CommandGroup& g) { return names(g, command); });
}

void register_commands(CLI::App& app, std::string_view command) {
  const bool known = known_command(command);
  for (const auto& g : command_groups()) {
    if (!known || names(g, command)) g.setup(app);
  }
#ifndef NDEBUG
  if (known) return;
  // Every group is registered here: a command missing from the table above would only be
  // slower (it registers all), but say so where the tests run.
  for (const auto* sub : app.get_subcommands({})) {
    assert(known_command(sub->get_name()) && "a top-level command missing from command_groups()");
  }
#endif
}

} // namespace

int main(int argc, char** argv) {
  using namespace stockpile;
  // The command is the only user of SQLite in its process (stockpile/process.hpp).
  (void)turn_off_sqlite_memory_statistics();
  (void)keep_sqlite_small_blocks();
  CLI::App app{"stockpile — the ledger of an emergency material reserve (应急物资储备台账)",
               "stockpile"};
  app.set_version_flag("--version", std::string("stockpile ") + STOCKPILE_VERSION);
  app.require_subcommand(1);
  app.fallthrough(); // global options may come after the command too
  auto& g = cli::globals();
  app.add_option("--db", g.db, "Ledger file (default: $STOCKPILE_DB, else ./stockpile.db)");
  app.add_option("--format", g.format, "Output: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  app.add_flag("--bom", g.bom, "Start CSV output with a byte-order mark (for Excel)");
  app.add_option("--tz", g.tz, "Time zone for today and local times (default: $TZ, else the "
                               "system zone), e.g. Asia/Shanghai");

  register_commands(app, command_word(argc, argv));

  try {
    app.parse(argc, argv);
    return 0;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
      if (auto missing = missing_command_message(app); !missing.empty()) return fail(missing, 2);
    }
    return fail(fmt::format("{} (see stockpile --help)", e.what()), 2);
  } catch (const ImportError& e) {
    // An import lists every bad row, one line each.
    for (const auto& row : e.errors()) {
      fmt::print(stderr, "stockpile: error: {}:{}: {}\n", e.source(), row.line, row.message);
    }
    if (e.errors().size() > 1) {
      fmt::print(stderr, "stockpile: error: {}: {} errors; nothing was written\n", e.source(),
                 e.errors().size());
    }
    return e.exit_code();
  } catch (const Error& e) {
    return fail(e.what(), e.exit_code());
  } catch (const std::exception& e) {
    return fail(fmt::format("internal error: {}", e.what()), 70);
  }
}
