//! Making text from the network safe to show on a terminal.
//!
//! A key name, an error message or a model id comes from whoever can write to the
//! account or answer for OpenRouter. Printed raw, `ESC [ 2 J` clears the screen, an OSC
//! sequence retitles the window or writes a hyperlink, and a bidi override (U+202E) makes
//! `gpj.exe` read as `exe.jpg`. Every path that prints such text for people goes through
//! [`safe`]; JSON output stays the API's bytes (a JSON reader is not a terminal).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal as itself: C0 and C1 controls, DEL, and the
/// bidi marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every [unsafe](is_unsafe) character escaped visibly: `\n`, `\t` and `\r`
/// as those two characters, other controls as `\x1b`, `\u{9b}`, bidi characters as
/// `<U+202E>`. Text without any comes back borrowed.
///
/// ```text
/// "bad \x1b[31mRED"  is shown as  bad \x1b[31mRED   (a backslash, not an ESC byte)
/// "\u{202e}evil"     is shown as  <U+202E>evil
/// ```
pub fn safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() && u32::from(c) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c if is_unsafe(c) => {
                let _ = write!(out, "<U+{:04X}>", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_escape_sequences_c1_controls_and_bidi_overrides() {
        let hostile = "bad \x1b[31mRED\x1b[0m \x1b]0;title\x07 \u{202e}evil\u{9b}2J\u{2066}x";
        let shown = safe(hostile);
        assert_eq!(
            shown,
            "bad \\x1b[31mRED\\x1b[0m \\x1b]0;title\\x07 <U+202E>evil\\u{9b}2J<U+2066>x"
        );
        assert!(!shown.chars().any(is_unsafe));
    }

    #[test]
    fn keeps_ordinary_text_including_cjk_and_emoji_borrowed() {
        let text = "openai/gpt-4o 東京 🚀 $1,500.00";
        assert!(matches!(safe(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn makes_line_breaks_visible() {
        assert_eq!(safe("a\nb\tc\rd\u{7f}"), "a\\nb\\tc\\rd\\x7f");
    }

    #[test]
    fn every_listed_bidi_character_is_unsafe() {
        for c in ['\u{061C}', '\u{200E}', '\u{200F}']
            .into_iter()
            .chain('\u{202A}'..='\u{202E}')
            .chain('\u{2066}'..='\u{2069}')
        {
            assert!(is_unsafe(c), "{:04X}", u32::from(c));
            assert!(!safe(&c.to_string()).contains(c));
        }
    }
}
