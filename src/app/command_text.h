// Small text helpers shared by the CLI commands (pure, unit-tested).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace s1c::app {

// `arg` quoted for a POSIX shell when it needs it: "eu-prod" stays as is,
// "/my dir/c.json" becomes '/my dir/c.json', and a single quote inside is
// written '\''.
std::string ShellQuote(std::string_view arg);

// Joins ShellQuote of each argument with spaces: a command line to copy.
std::string ShellCommand(const std::vector<std::string>& argv);

// The command that deletes one checkpoint: `s1-collector state reset -c
// <config> --console <console> --stream <name>` for a stream's checkpoint,
// `--name <name>` for another (a backfill's).
std::string StateResetCommand(const std::string& config_path, const std::string& console,
                              const std::string& name, bool is_stream);

// A duration for humans, at most two units: "0.4s", "12.3s", "5m02s",
// "3h12m", "2d04h". Negative durations get a leading "-".
std::string FormatDuration(double seconds);

// Pads or cuts `text` to exactly `width` columns (ASCII), for tables.
std::string PadRight(std::string_view text, size_t width);

// Renders rows as a table: columns separated by two spaces, each as wide
// as its widest cell, no trailing spaces. The first row is the header.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);

// A URL with any user:password@ part replaced by "***@" (proxy URLs may
// carry credentials): "http://u:p@proxy:3128" -> "http://***@proxy:3128".
std::string MaskUrlCredentials(std::string_view url);

}  // namespace s1c::app
