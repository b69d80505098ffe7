#include "stockpile/codes.hpp"

#include <map>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include <doctest/doctest.h>

#include "stockpile/error.hpp"

using stockpile::CommitmentCode;
using stockpile::CustodianId;
using stockpile::DepotCode;
using stockpile::IncidentCode;
using stockpile::InvalidInput;
using stockpile::is_valid_utf8;
using stockpile::LotNumber;
using stockpile::MaterialCode;
using stockpile::OrgCode;

namespace {

// A requires-expression only answers "no" inside a template, hence the concepts.
template <class A, class B> concept EqualityComparable = requires(A a, B b) { a == b; };
template <class A, class B> concept Ordered = requires(A a, B b) { a < b; };
template <class A, class B> concept Addable = requires(A a, B b) { a + b; };

// Built only on purpose, from text, and validated.
static_assert(!std::is_convertible_v<std::string, MaterialCode>);
static_assert(!std::is_convertible_v<const char*, MaterialCode>);
static_assert(!std::is_convertible_v<std::string_view, MaterialCode>);
static_assert(std::is_constructible_v<MaterialCode, std::string>);
static_assert(std::is_constructible_v<MaterialCode, const char*>);
static_assert(!std::is_default_constructible_v<MaterialCode>);
static_assert(!std::is_convertible_v<MaterialCode, std::string>);
// Kinds do not mix.
static_assert(!std::is_convertible_v<DepotCode, MaterialCode>);
static_assert(!std::is_convertible_v<MaterialCode, DepotCode>);
static_assert(!std::is_constructible_v<MaterialCode, DepotCode>);
static_assert(!std::is_convertible_v<LotNumber, CustodianId>);
static_assert(EqualityComparable<MaterialCode, MaterialCode> && Ordered<DepotCode, DepotCode>);
static_assert(!EqualityComparable<MaterialCode, DepotCode>);
static_assert(!EqualityComparable<OrgCode, IncidentCode>);
static_assert(!Ordered<MaterialCode, DepotCode>);
static_assert(!EqualityComparable<MaterialCode, std::string>);
static_assert(!EqualityComparable<MaterialCode, const char*>);
// Codes are names, not text to compute with.
static_assert(!Addable<MaterialCode, MaterialCode> && !Addable<MaterialCode, DepotCode>);
static_assert(!Addable<MaterialCode, std::string> && !Addable<MaterialCode, const char*>);

const char* const kExpected = "expected 1-64 characters: letters, digits, '-', '_' or '.'";

} // namespace

TEST_CASE("codes: valid codes keep their text exactly") {
  const std::vector<std::string> good = {
      "MAT-COAT-01", "棉衣",  "帐篷-12", "a",         "Z",       "0",   "lot_2026.03", "-x",
      "...",         "Ä-1",  "Привет",  "防汛.沙袋", "🙂", "北京市朝阳区", "A.B_C-D",
      std::string(64, 'x'),
  };
  for (const auto& text : good) {
    CAPTURE(text);
    CHECK(MaterialCode(text).str() == text);
  }
  // 21 Chinese characters are 63 bytes: the longest all-Chinese code.
  std::string chinese;
  for (int i = 0; i < 21; ++i) chinese += "棉";
  CHECK(DepotCode(chinese).str().size() == 63);
}

TEST_CASE("codes: invalid codes name the field and the value") {
  struct Case {
    std::string text;
    std::string shown; // as quoted in the message
  };
  const std::vector<Case> bad = {
      {"", "\"\""},
      {"MAT 01", "\"MAT 01\""},
      {" MAT", "\" MAT\""},
      {"a/b", "\"a/b\""},
      {"a:b", "\"a:b\""},
      {"a,b", "\"a,b\""},
      {"a;b", "\"a;b\""},
      {"a\"b", "\"a\\\"b\""},
      {"a\\b", "\"a\\\\b\""},
      {"a+b", "\"a+b\""},
      {"a*", "\"a*\""},
      {"a\tb", "\"a\\tb\""},
      {"a\nb", "\"a\\nb\""},
      {std::string("a\0b", 3), "\"a\\x00b\""},
      {"a\x7f", "\"a\\x7f\""},
      {"\xff", "\"\\xff\""},                        // not UTF-8 at all: shown escaped
      {"\xc3", "\"\\xc3\""},                        // truncated sequence
      {"\xc0\xaf", "\"\\xc0\\xaf\""},              // overlong '/'
      {"\xed\xa0\x80", "\"\\xed\\xa0\\x80\""},     // surrogate U+D800
      {"\xf4\x90\x80\x80", "\"\\xf4\\x90\\x80\\x80\""}, // above U+10FFFF
      {"棉\xe8\xa1", "\"棉\\xe8\\xa1\""},           // truncated 衣
      {"a\u00a0b", "\"a\u00a0b\""},                 // no-break space
      {"a\u3000b", "\"a\u3000b\""},                 // ideographic space
      {"a\u200bb", "\"a\u200bb\""},                 // zero-width space
      {"\u202eabc", "\"\u202eabc\""},               // right-to-left override
      {"\ufeffabc", "\"\ufeffabc\""},               // byte order mark
      {"a\u0085b", "\"a\u0085b\""},                 // C1 next line
  };
  for (const auto& c : bad) {
    CAPTURE(c.text);
    const std::string expected = "material " + c.shown + ": " + kExpected;
    CHECK_THROWS_WITH_AS(MaterialCode{c.text}, expected.c_str(), InvalidInput);
  }
}

TEST_CASE("codes: each kind names its own field") {
  CHECK_THROWS_WITH_AS(MaterialCode("a b"), (std::string("material \"a b\": ") + kExpected).c_str(),
                       InvalidInput);
  CHECK_THROWS_WITH_AS(DepotCode("a b"), (std::string("depot \"a b\": ") + kExpected).c_str(),
                       InvalidInput);
  CHECK_THROWS_WITH_AS(OrgCode("a b"), (std::string("organisation \"a b\": ") + kExpected).c_str(),
                       InvalidInput);
  CHECK_THROWS_WITH_AS(CustodianId("a b"),
                       (std::string("custodian \"a b\": ") + kExpected).c_str(), InvalidInput);
  CHECK_THROWS_WITH_AS(LotNumber("a b"), (std::string("lot \"a b\": ") + kExpected).c_str(),
                       InvalidInput);
  CHECK_THROWS_WITH_AS(IncidentCode("a b"),
                       (std::string("incident \"a b\": ") + kExpected).c_str(), InvalidInput);
  CHECK_THROWS_WITH_AS(CommitmentCode("a b"),
                       (std::string("commitment \"a b\": ") + kExpected).c_str(), InvalidInput);
  CHECK_THROWS_WITH_AS(stockpile::detail::validate_code("a/b", "--depot"),
                       (std::string("--depot \"a/b\": ") + kExpected).c_str(), InvalidInput);
}

TEST_CASE("codes: length is counted in bytes, at most 64") {
  const std::string too_long(65, 'x');
  CHECK_THROWS_WITH_AS(LotNumber{too_long},
                       ("lot \"" + too_long +
                        "\": is too long (at most 64 bytes; a Chinese character takes 3)")
                           .c_str(),
                       InvalidInput);
  std::string chinese;
  for (int i = 0; i < 22; ++i) chinese += "棉"; // 66 bytes
  CHECK_THROWS_WITH_AS(MaterialCode{chinese},
                       ("material \"" + chinese +
                        "\": is too long (at most 64 bytes; a Chinese character takes 3)")
                           .c_str(),
                       InvalidInput);
}

TEST_CASE("codes: equality, ordering and hashing") {
  const MaterialCode a("MAT-01");
  const MaterialCode b("MAT-02");
  CHECK(a == MaterialCode("MAT-01"));
  CHECK(a != b);
  CHECK(a < b);
  CHECK(MaterialCode("mat-01") != a); // case-sensitive
  CHECK(MaterialCode("Z") < MaterialCode("a"));
  CHECK(MaterialCode("z") < MaterialCode("棉衣")); // bytewise: UTF-8 sorts after ASCII

  std::unordered_set<MaterialCode> set = {a, b, MaterialCode("MAT-01"), MaterialCode("棉衣")};
  CHECK(set.size() == 3);
  CHECK(set.count(MaterialCode("棉衣")) == 1);
  CHECK(set.count(MaterialCode("MAT-03")) == 0);
  CHECK(std::hash<MaterialCode>{}(a) == std::hash<MaterialCode>{}(MaterialCode("MAT-01")));

  std::map<DepotCode, int> by_depot;
  by_depot[DepotCode("D2")] = 2;
  by_depot[DepotCode("D1")] = 1;
  CHECK(by_depot.begin()->first.str() == "D1");
}

TEST_CASE("codes: is_valid_utf8 is strict") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ASCII, with spaces"));
  CHECK(is_valid_utf8("棉衣 帐篷"));
  CHECK(is_valid_utf8("\x7f"));
  CHECK(is_valid_utf8("\xc2\x80"));         // U+0080, the smallest 2-byte form
  CHECK(is_valid_utf8("\xdf\xbf"));         // U+07FF
  CHECK(is_valid_utf8("\xe0\xa0\x80"));     // U+0800, the smallest 3-byte form
  CHECK(is_valid_utf8("\xed\x9f\xbf"));     // U+D7FF, just below the surrogates
  CHECK(is_valid_utf8("\xee\x80\x80"));     // U+E000, just above them
  CHECK(is_valid_utf8("\xef\xbf\xbf"));     // U+FFFF
  CHECK(is_valid_utf8("\xf0\x90\x80\x80")); // U+10000, the smallest 4-byte form
  CHECK(is_valid_utf8("\xf4\x8f\xbf\xbf")); // U+10FFFF, the largest code point
  CHECK(is_valid_utf8(std::string_view("\0", 1)));

  CHECK_FALSE(is_valid_utf8("\x80"));             // lone continuation byte
  CHECK_FALSE(is_valid_utf8("\xbf"));
  CHECK_FALSE(is_valid_utf8("\xc0\x80"));         // overlong NUL
  CHECK_FALSE(is_valid_utf8("\xc1\xbf"));         // overlong U+007F
  CHECK_FALSE(is_valid_utf8("\xe0\x80\x80"));     // overlong 3-byte NUL
  CHECK_FALSE(is_valid_utf8("\xe0\x9f\xbf"));     // overlong U+07FF
  CHECK_FALSE(is_valid_utf8("\xf0\x80\x80\x80")); // overlong 4-byte NUL
  CHECK_FALSE(is_valid_utf8("\xf0\x8f\xbf\xbf")); // overlong U+FFFF
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));     // U+D800, high surrogate
  CHECK_FALSE(is_valid_utf8("\xed\xbf\xbf"));     // U+DFFF, low surrogate
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80")); // U+110000
  CHECK_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
  CHECK_FALSE(is_valid_utf8("\xf8\x88\x80\x80\x80")); // old 5-byte form
  CHECK_FALSE(is_valid_utf8("\xfe"));
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK_FALSE(is_valid_utf8("\xc3"));             // truncated at the end
  CHECK_FALSE(is_valid_utf8("\xe6\xa3"));
  CHECK_FALSE(is_valid_utf8("\xf0\x9f\x99"));
  CHECK_FALSE(is_valid_utf8("\xc3(")); // continuation byte missing mid-text
  CHECK_FALSE(is_valid_utf8("\xe6\xa3x"));
  CHECK_FALSE(is_valid_utf8("ok\xe6\xa3\xc9"));
}


TEST_CASE("codes: is_valid_utf8 finds a bad byte after any length of ASCII") {
  // ASCII is skipped eight bytes at a time: a bad byte or a character at any offset from
  // those words, and ASCII after it, must be read as before.
  for (std::size_t k = 0; k < 26; ++k) {
    CAPTURE(k);
    const std::string ascii(k, 'a');
    CHECK(is_valid_utf8(ascii));
    CHECK(is_valid_utf8(ascii + "棉衣" + ascii));
    CHECK(is_valid_utf8(ascii + "\xf4\x8f\xbf\xbf" + std::string(9, 'b')));
    CHECK_FALSE(is_valid_utf8(ascii + "\xc3(" + std::string(9, 'b')));
    CHECK_FALSE(is_valid_utf8(ascii + "\x80"));
    CHECK_FALSE(is_valid_utf8(ascii + "\xe6\xa3"));
    CHECK_FALSE(is_valid_utf8(ascii + "棉" + std::string(9, 'b') + "\xff" + ascii));
    CHECK_FALSE(is_valid_utf8(ascii + "\xed\xa0\x80" + ascii));
  }
}
