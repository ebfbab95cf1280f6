// Varied text for the simulator's --realistic data mode: host and user names,
// file paths, command lines and free text drawn from word lists, with random
// lengths, non-ASCII words (accented Latin, Cyrillic, CJK) and characters that
// JSON must escape (quotes, Windows backslashes, tabs, a few newlines).
//
// Why: the default corpus repeats a handful of names and sentences, so it
// compresses about 7x and flatters every gzip stage of a benchmark. Events of
// a real console repeat less. Each function draws from `rng` in a fixed order
// (one draw per statement), so a seed always gives the same bytes.
#pragma once

#include <string>

#include "common/rng.h"
#include "simulator/topology.h"

namespace s1c::sim::realistic {

// A name for `agent` (by its OS and machine type): "DESKTOP-7QK2M1Z",
// "par-web-017", "MacBook-Pro-de-zoé", "PC-БУХГАЛТЕРИЯ-12".
std::string HostName(Rng& rng, const Agent& agent);

// A site: a city and a place in it ("Kraków-Entrepôt", "名古屋-工場").
std::string SiteName(Rng& rng);

// A group of agents: "Finance laptops", "Серверы БД 3", "Kiosk PCs".
std::string GroupName(Rng& rng);

// A login name: "zoé.lefèvre", "ipetrov", "wang_wei", "svc-backup03".
std::string UserName(Rng& rng);

// A login as a console or a domain shows it: a UserName, sometimes with a
// domain ("CORP\\zoé.lefèvre") or as a UPN ("ipetrov@corp.example.com").
std::string QualifiedUserName(Rng& rng);

// A file name of one to four words, sometimes numbered or with a double
// extension: "Rechnung März 2026.pdf.exe", "отчёт_q3.xlsm".
std::string FileName(Rng& rng);

// A full path to `file` in the style of the agent's OS: a Windows path with
// 0-5 folders ("C:\Users\zoé\Téléchargements\Q3 reports\file"), or a Unix one.
std::string FilePath(Rng& rng, const Agent& agent, const std::string& file);

// A command line that runs or touches `path`: quoted paths, switches, an
// encoded PowerShell blob of random length, sometimes a tab.
std::string CommandLine(Rng& rng, const Agent& agent, const std::string& path);

// Between `min_words` and `max_words` words of free text, some quoted, some
// non-ASCII, rarely a line break. REQUIRES: 1 <= min_words <= max_words.
std::string Phrase(Rng& rng, int min_words, int max_words);

// A USB mass-storage device: a name ("SanDisk Ultra Fit 64GB") and the
// vendor and product ids ("0x0781", "0x5583").
struct UsbDevice {
  std::string name;
  std::string vendor_id;
  std::string product_id;
};
UsbDevice Device(Rng& rng);

}  // namespace s1c::sim::realistic
