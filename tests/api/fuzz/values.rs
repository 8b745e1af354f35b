//! Values, written either as a GraphQL literal or as JSON for variables, and the odd strings,
//! escapes, numbers and country codes the generators draw from.

use std::fmt::Write as _;

#[derive(Clone, Debug)]
pub(super) enum Lit {
    Null,
    /// Number text, the same in GraphQL and JSON (and not always valid in either).
    Raw(String),
    Str(String),
    /// The inside of a string literal, escapes already written (`\ud800`), the same in both.
    Escaped(&'static str),
    /// A GraphQL block string (a plain string in JSON).
    Block(String),
    Bool(bool),
    Enum(String),
    List(Vec<Lit>),
    Obj(Vec<(String, Lit)>),
    Var(String),
}

impl Lit {
    pub(super) fn gql(&self) -> String {
        let mut out = String::new();
        self.write_gql(&mut out);
        out
    }

    pub(super) fn write_gql(&self, out: &mut String) {
        match self {
            Lit::Null => out.push_str("null"),
            Lit::Raw(raw) => out.push_str(raw),
            Lit::Str(s) => gql_string(s, out),
            Lit::Escaped(inner) => {
                let _ = write!(out, "\"{inner}\"");
            }
            Lit::Block(s) => {
                let _ = write!(out, "\"\"\"{}\"\"\"", s.replace("\"\"\"", "\\\"\"\""));
            }
            Lit::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Lit::Enum(e) => out.push_str(e),
            Lit::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_gql(out);
                }
                out.push(']');
            }
            Lit::Obj(fields) => {
                out.push('{');
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(out, "{name}: ");
                    value.write_gql(out);
                }
                out.push('}');
            }
            Lit::Var(name) => {
                let _ = write!(out, "${name}");
            }
        }
    }

    pub(super) fn write_json(&self, out: &mut String) {
        match self {
            Lit::Null => out.push_str("null"),
            Lit::Raw(raw) => out.push_str(raw),
            Lit::Str(s) | Lit::Block(s) | Lit::Enum(s) => out.push_str(&json_string(s)),
            Lit::Escaped(inner) => {
                let _ = write!(out, "\"{inner}\"");
            }
            Lit::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Lit::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Lit::Obj(fields) => {
                out.push('{');
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{}:", json_string(name));
                    value.write_json(out);
                }
                out.push('}');
            }
            Lit::Var(name) => out.push_str(&json_string(&format!("${name}"))),
        }
    }
}

pub(super) fn gql_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

pub(super) fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

pub(super) fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

pub(super) const ODD_STRINGS: &[&str] = &[
    "",
    " ",
    "\u{200F}\u{202E}override\u{202C}",
    "\u{200D}\u{200D}\u{200B}\u{2060}",
    "👩\u{200D}👩\u{200D}👧\u{200D}👦",
    "🇹🇼🇪🇺🏳\u{FE0F}\u{200D}🌈",
    "e\u{301}\u{301}\u{301}\u{301}\u{301}",
    "\u{FEFF}bom",
    "\u{0}",
    "nul\u{0}inside",
    "\u{1}\u{7}\u{1b}[31mred",
    "\u{FFFD}\u{FFFF}\u{10FFFF}",
    "\u{2028}\u{2029}\u{85}",
    "中華民國全國工業總會",
    "航太",
    "Ωμέγα ΣΊΣΥΦΟΣ",
    "עברית العربية",
    "İıŞş ǅ ß ﬁ",
    "ＡＢＣ 𝕳𝖊𝖑𝖑𝖔",
    "' OR '1'='1",
    "'; drop table cluster; --",
    "Robert'); --",
    "\" OR \"\"=\"",
    "%_%",
    "*",
    "\"near\" NEAR(a b) AND OR NOT ^ -",
    "\\",
    "\"",
    "\n\r\t",
    "$v0",
    "{ me { role } }",
    "null",
    "<script>alert(1)</script>",
    "../../../../etc/passwd",
    "  padded  ",
    "a@b",
];

/// Escapes JSON and GraphQL share; a lone surrogate is valid in neither.
pub(super) const ESCAPES: &[&str] = &[
    "\\ud800",
    "\\udfff",
    "x\\ud800y",
    "\\ud83d\\ude00",
    "\\u0000",
    "\\ud800\\u0041",
    "\\uDBFF\\uDFFF",
    "\\u00",
    "\\x41",
];

pub(super) const HUGE_NUMBERS: &[&str] = &[
    "9223372036854775807",
    "-9223372036854775808",
    "2147483647",
    "2147483648",
    "-2147483649",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
    "1e308",
    "-1e308",
    "1e400",
    "-1",
    "0",
    "-0",
    "1.5",
    "5e-324",
    "1E3",
];

pub(super) const COUNTRIES: &[&str] = &[
    "DE", "TW", "FR", "IT", "PL", "XX", "", "de", "DEU", "🇩🇪", "D\u{0}E", "EU", "UK",
];
