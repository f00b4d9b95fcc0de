// The one error hierarchy of audiogan. Library code throws these; only the CLI catches them,
// prints one line and chooses the exit code (2 for usage/config errors, 1 for the rest).
#pragma once

#include <stdexcept>
#include <string>

namespace audiogan {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  virtual int exit_code() const { return 1; }
};

// A file could not be read or written: the message names the path and the reason.
class IoError : public Error {
 public:
  using Error::Error;
};

// A setting or flag is out of range or inconsistent: the message names the flag.
class ConfigError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 2; }
};

// Training cannot go on (e.g. its losses stayed NaN): the message says why and where the last
// good checkpoint is.
class TrainingError : public Error {
 public:
  using Error::Error;
};

// Input data is not what was expected (layout, content, a checkpoint that does not match).
class DataError : public Error {
 public:
  using Error::Error;
};

// Data-parallel training failed between processes: a rank died, hung past --dist-timeout, or
// the rendezvous (MASTER_ADDR:MASTER_PORT) could not be reached. The message names the rank
// reporting it, the operation and, where known, the peer.
class DistError : public Error {
 public:
  using Error::Error;
};

}  // namespace audiogan
