// An SQLite VFS that fails the N-th write, sync or truncate (tests only): a disk that fills up
// or a controller that reports an I/O error at exactly one chosen point of a write. It also
// counts reads, for what a command fetches from the file. It wraps
// the default VFS (the unix one) and is the default only while a FaultVfs object lives, so
// every connection the library opens meanwhile goes through it: the library and SQLiteCpp use
// the same shared libsqlite3 as the test binary.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace stockpile::testing {

enum class FaultMode {
  Once,       // the N-th operation fails, later ones work (a transient I/O error)
  Persistent, // the N-th and every later one fails (a disk that stays full)
};

enum class FaultError {
  DiskFull, // SQLITE_FULL
  IoError,  // SQLITE_IOERR_WRITE, _FSYNC or _TRUNCATE, by the operation's kind
};

class FaultVfs {
public:
  FaultVfs() {
    State& s = state();
    if (s.base != nullptr) throw std::logic_error("FaultVfs: one at a time");
    s.base = sqlite3_vfs_find(nullptr);
    if (s.base == nullptr) throw std::logic_error("FaultVfs: no default VFS");
    s.shim = *s.base; // every field the base has, then the ones the shim overrides
    s.shim.szOsFile = static_cast<int>(sizeof(File)) + s.base->szOsFile;
    s.shim.zName = "stockpile-fault";
    s.shim.pNext = nullptr;
    s.shim.pAppData = nullptr;
    s.shim.xOpen = &open;
    s.shim.xDelete = [](sqlite3_vfs*, const char* name, int sync) {
      return base()->xDelete(base(), name, sync);
    };
    s.shim.xAccess = [](sqlite3_vfs*, const char* name, int flags, int* out) {
      return base()->xAccess(base(), name, flags, out);
    };
    s.shim.xFullPathname = [](sqlite3_vfs*, const char* name, int n, char* out) {
      return base()->xFullPathname(base(), name, n, out);
    };
    s.shim.xDlOpen = [](sqlite3_vfs*, const char* name) { return base()->xDlOpen(base(), name); };
    s.shim.xDlError = [](sqlite3_vfs*, int n, char* out) { base()->xDlError(base(), n, out); };
    s.shim.xDlSym = [](sqlite3_vfs*, void* h, const char* sym) {
      return base()->xDlSym(base(), h, sym);
    };
    s.shim.xDlClose = [](sqlite3_vfs*, void* h) { base()->xDlClose(base(), h); };
    s.shim.xRandomness = [](sqlite3_vfs*, int n, char* out) {
      return base()->xRandomness(base(), n, out);
    };
    s.shim.xSleep = [](sqlite3_vfs*, int us) { return base()->xSleep(base(), us); };
    s.shim.xCurrentTime = [](sqlite3_vfs*, double* t) { return base()->xCurrentTime(base(), t); };
    s.shim.xGetLastError = [](sqlite3_vfs*, int n, char* out) {
      return base()->xGetLastError(base(), n, out);
    };
    if (s.base->iVersion >= 2) {
      s.shim.xCurrentTimeInt64 = [](sqlite3_vfs*, sqlite3_int64* t) {
        return base()->xCurrentTimeInt64(base(), t);
      };
    }
    if (s.base->iVersion >= 3) {
      s.shim.xSetSystemCall = [](sqlite3_vfs*, const char* name, sqlite3_syscall_ptr p) {
        return base()->xSetSystemCall(base(), name, p);
      };
      s.shim.xGetSystemCall = [](sqlite3_vfs*, const char* name) {
        return base()->xGetSystemCall(base(), name);
      };
      s.shim.xNextSystemCall = [](sqlite3_vfs*, const char* name) {
        return base()->xNextSystemCall(base(), name);
      };
    }
    disarm();
    if (sqlite3_vfs_register(&s.shim, 1) != SQLITE_OK) {
      s.base = nullptr;
      throw std::runtime_error("FaultVfs: sqlite3_vfs_register failed");
    }
  }

  ~FaultVfs() {
    State& s = state();
    sqlite3_vfs_unregister(&s.shim);
    // Unregistering the default makes the next registered VFS the default: put the base back.
    sqlite3_vfs_register(s.base, 1);
    s.base = nullptr;
  }

  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;

  // From now on, counts writes, syncs and truncates together (on every file: the database, its
  // WAL, journals and temporary files); the nth of them fails. nth = 0: none fails, only count.
  void arm(std::int64_t nth, FaultError error, FaultMode mode) {
    State& s = state();
    s.nth = nth;
    s.error = error;
    s.mode = mode;
    s.counted = 0;
    s.injected = 0;
    s.reads = 0;
    s.trace.clear();
  }
  // Stops failing (the counts stay readable).
  void disarm() { state().nth = 0; }

  // Operations seen since arm, and how many of them were failed.
  [[nodiscard]] std::int64_t counted() const { return state().counted; }
  [[nodiscard]] std::int64_t injected() const { return state().injected; }
  // The kind of every operation seen since arm, in order: 'W'rite, 'S'ync, 'T'runcate.
  [[nodiscard]] const std::string& trace() const { return state().trace; }
  // Reads since arm (every file; never failed): the pages a command had to fetch.
  [[nodiscard]] std::int64_t reads() const { return state().reads; }

private:
  enum class Kind { Write, Sync, Truncate };

  struct State {
    sqlite3_vfs* base = nullptr;
    sqlite3_vfs shim{};
    std::int64_t nth = 0;
    FaultError error = FaultError::IoError;
    FaultMode mode = FaultMode::Once;
    std::int64_t counted = 0;
    std::int64_t injected = 0;
    std::int64_t reads = 0;
    std::string trace;
  };

  // The shim's file: SQLite allocates szOsFile bytes; the base VFS's file follows this header.
  struct File {
    sqlite3_file header; // pMethods = the shim's methods
    sqlite3_file* real;
  };

  static State& state() {
    static State s;
    return s;
  }
  static sqlite3_vfs* base() { return state().base; }
  static sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

  // The error the operation returns, or SQLITE_OK to let it through.
  static int fault(Kind kind) {
    State& s = state();
    ++s.counted;
    s.trace += kind == Kind::Write ? 'W' : kind == Kind::Sync ? 'S' : 'T';
    const bool fails =
        s.nth > 0 && (s.counted == s.nth || (s.mode == FaultMode::Persistent && s.counted > s.nth));
    if (!fails) return SQLITE_OK;
    ++s.injected;
    if (s.error == FaultError::DiskFull) return SQLITE_FULL;
    switch (kind) {
    case Kind::Write: return SQLITE_IOERR_WRITE;
    case Kind::Sync: return SQLITE_IOERR_FSYNC;
    case Kind::Truncate: return SQLITE_IOERR_TRUNCATE;
    }
    return SQLITE_IOERR;
  }

  static int open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags,
                  int* out_flags) {
    auto* f = reinterpret_cast<File*>(file);
    f->real = reinterpret_cast<sqlite3_file*>(f + 1);
    const int rc = base()->xOpen(base(), name, f->real, flags, out_flags);
    // SQLite calls xClose only when pMethods is set; leave it null when the open failed.
    f->header.pMethods = rc == SQLITE_OK && f->real->pMethods != nullptr ? &methods() : nullptr;
    return rc;
  }

  static const sqlite3_io_methods& methods() {
    static const sqlite3_io_methods m = [] {
      sqlite3_io_methods io{};
      io.iVersion = 3;
      io.xClose = [](sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); };
      io.xRead = [](sqlite3_file* f, void* buf, int n, sqlite3_int64 at) {
        ++state().reads;
        return real(f)->pMethods->xRead(real(f), buf, n, at);
      };
      io.xWrite = [](sqlite3_file* f, const void* buf, int n, sqlite3_int64 at) {
        if (const int rc = fault(Kind::Write); rc != SQLITE_OK) return rc;
        return real(f)->pMethods->xWrite(real(f), buf, n, at);
      };
      io.xTruncate = [](sqlite3_file* f, sqlite3_int64 size) {
        if (const int rc = fault(Kind::Truncate); rc != SQLITE_OK) return rc;
        return real(f)->pMethods->xTruncate(real(f), size);
      };
      io.xSync = [](sqlite3_file* f, int flags) {
        if (const int rc = fault(Kind::Sync); rc != SQLITE_OK) return rc;
        return real(f)->pMethods->xSync(real(f), flags);
      };
      io.xFileSize = [](sqlite3_file* f, sqlite3_int64* size) {
        return real(f)->pMethods->xFileSize(real(f), size);
      };
      io.xLock = [](sqlite3_file* f, int lock) { return real(f)->pMethods->xLock(real(f), lock); };
      io.xUnlock = [](sqlite3_file* f, int lock) {
        return real(f)->pMethods->xUnlock(real(f), lock);
      };
      io.xCheckReservedLock = [](sqlite3_file* f, int* out) {
        return real(f)->pMethods->xCheckReservedLock(real(f), out);
      };
      io.xFileControl = [](sqlite3_file* f, int op, void* arg) {
        return real(f)->pMethods->xFileControl(real(f), op, arg);
      };
      io.xSectorSize = [](sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); };
      io.xDeviceCharacteristics = [](sqlite3_file* f) {
        return real(f)->pMethods->xDeviceCharacteristics(real(f));
      };
      // WAL's shared memory and memory-mapped reads: passed through when the real file has them.
      io.xShmMap = [](sqlite3_file* f, int region, int size, int extend, void volatile** out) {
        if (real(f)->pMethods->iVersion < 2) return SQLITE_IOERR_SHMMAP;
        return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
      };
      io.xShmLock = [](sqlite3_file* f, int offset, int n, int flags) {
        if (real(f)->pMethods->iVersion < 2) return SQLITE_IOERR_SHMLOCK;
        return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
      };
      io.xShmBarrier = [](sqlite3_file* f) {
        if (real(f)->pMethods->iVersion >= 2) real(f)->pMethods->xShmBarrier(real(f));
      };
      io.xShmUnmap = [](sqlite3_file* f, int remove) {
        if (real(f)->pMethods->iVersion < 2) return SQLITE_OK;
        return real(f)->pMethods->xShmUnmap(real(f), remove);
      };
      io.xFetch = [](sqlite3_file* f, sqlite3_int64 at, int n, void** out) {
        *out = nullptr; // "no mapping": SQLite then reads with xRead
        if (real(f)->pMethods->iVersion < 3) return SQLITE_OK;
        return real(f)->pMethods->xFetch(real(f), at, n, out);
      };
      io.xUnfetch = [](sqlite3_file* f, sqlite3_int64 at, void* p) {
        if (real(f)->pMethods->iVersion < 3) return SQLITE_OK;
        return real(f)->pMethods->xUnfetch(real(f), at, p);
      };
      return io;
    }();
    return m;
  }
};

} // namespace stockpile::testing
