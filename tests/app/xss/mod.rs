//! The XSS corpus (`payloads.txt`) typed into every text field an editor has
//! (walked from the domain's field table, so a new field is attacked without
//! touching this file) and into search, then every page, fragment, stream,
//! feed and data file that shows those fields is checked for executable
//! markup. `browser.rs` loads the worst pages in headless Chromium.

mod browser;
mod inert;
mod reading;
mod seed;

use std::path::Path;

use newsdesk::domain::fields::{FieldRule, Shape};

/// The payloads of `payloads.txt`, escapes resolved, comments and blank lines skipped.
pub fn payloads() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/app/xss/payloads.txt");
    let text = std::fs::read_to_string(&path).expect("the XSS corpus");
    text.lines()
        .filter(|line| !line.is_empty() && !line.starts_with(";;"))
        .map(unescape)
        .collect()
}

/// Resolves the corpus's escapes: `\n`, `\t`, `\\` and `\u{HEX}`. Any other
/// backslash is kept as typed (payloads need `\"`).
fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        rest = if let Some(tail) = after.strip_prefix('n') {
            out.push('\n');
            tail
        } else if let Some(tail) = after.strip_prefix('t') {
            out.push('\t');
            tail
        } else if let Some(tail) = after.strip_prefix('\\') {
            out.push('\\');
            tail
        } else if let Some(tail) = after.strip_prefix("u{") {
            let end = tail.find('}').expect("a closed \\u{} escape");
            let code = u32::from_str_radix(&tail[..end], 16).expect("hex in \\u{}");
            out.push(char::from_u32(code).expect("a Unicode scalar value"));
            &tail[end + 1..]
        } else {
            out.push('\\');
            after
        };
    }
    out.push_str(rest);
    out
}

/// `payload` made to fit `rule` as an editor could type it: one-line fields
/// get spaces for line breaks and tabs, and everything is cut to the field's
/// length (characters, or bytes for Markdown). Whatever else the validator
/// dislikes it refuses, which is a pass too.
pub fn adapt(payload: &str, rule: &FieldRule) -> String {
    match rule.shape {
        Shape::Markdown => cut_bytes(payload, rule.max).to_owned(),
        Shape::OneLine | Shape::List { .. } => {
            let one_line = payload.replace(['\n', '\t'], " ");
            one_line.trim().chars().take(rule.max).collect()
        }
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character.
pub fn cut_bytes(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[test]
fn the_corpus_is_big_and_its_escapes_resolve() {
    let payloads = payloads();
    assert!(payloads.len() >= 150, "{} payloads", payloads.len());
    assert_eq!(
        unescape(r#"a\nb\tc\\d\u{202E}e\"f"#),
        "a\nb\tc\\d\u{202E}e\\\"f"
    );
    let unique: std::collections::BTreeSet<_> = payloads.iter().collect();
    assert_eq!(unique.len(), payloads.len(), "a payload is listed twice");
}
