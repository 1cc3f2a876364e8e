#include "portcheck/strings.hpp"

#include <ctime>

namespace portcheck {

std::string iso_date(int64_t seconds) {
  time_t time = static_cast<time_t>(seconds);
  struct tm parts {};
  if (!gmtime_r(&time, &parts)) return "";
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &parts);
  return text;
}

std::string dotted(const std::vector<int>& numbers) {
  std::string text;
  for (size_t i = 0; i < numbers.size(); ++i) text += (i ? "." : "") + std::to_string(numbers[i]);
  return text;
}

std::string short_list(const std::vector<std::string>& items, size_t shown) {
  std::string text;
  for (size_t i = 0; i < items.size() && i < shown; ++i) text += (i ? ", " : "") + items[i];
  if (items.size() > shown) text += " and " + std::to_string(items.size() - shown) + " more";
  return text;
}

}  // namespace portcheck
