// Field rules shared by the reference data and the movements (internal).
#pragma once

#include <cstddef>
#include <string_view>

namespace stockpile {
struct Organisation;
struct Paperwork;
}

namespace stockpile::detail {

enum class Lines { Single, Multi };

// Free text: valid UTF-8, no control characters (tab, and with Lines::Multi also CR and LF,
// are allowed), at most max_bytes bytes; non-empty when required.
void validate_text(std::string_view field, std::string_view value, std::size_t max_bytes,
                   bool required, Lines lines = Lines::Single);

// A phone number: at most 32 bytes of digits, spaces, '+', '-' and parentheses.
void validate_phone(std::string_view field, std::string_view value);

// validate(Organisation), naming the parent as parent_field: --parent on the command line,
// the parent column in an import.
void validate_organisation(const Organisation& org, std::string_view parent_field);

// The two sizes of free text every field falls into (docs/cli.md, "Free text"): a one-line
// label (a name, a counterparty, a document number, an idempotency key) and a note (a note,
// a reason, a finding). Bytes, not characters: a Chinese character takes 3.
inline constexpr std::size_t kLabelTextBytes = 200;
inline constexpr std::size_t kNoteTextBytes = 1000;

// A one-line label of at most kLabelTextBytes.
void validate_label(std::string_view field, std::string_view value, bool required = false);
// A note of at most kNoteTextBytes; line breaks allowed.
void validate_note(std::string_view field, std::string_view value, bool required = false);

// How a field is named in a message: the option a keeper typed (--idempotency-key) or the
// column of the file a row came from (idempotency_key).
enum class Naming { Option, Column };

// The free text of a movement's paperwork: counterparty, document, idempotency key (labels)
// and note. Checked before anything is looked up or written, for every kind of movement.
void validate_paperwork(const Paperwork& paper, Naming naming);

} // namespace stockpile::detail
