//! Languages of texts (issue 16): BCP 47 tags, checked and put in canonical form, a client's
//! preference (a `locale` argument or the `Accept-Language` header with its q-values), and the
//! negotiation that picks, among the languages a text is written in, the one to answer in.
//! Posts use it first; cluster descriptions and success stories take the same path.
//!
//! Canonical form: the language lower case, a script Title case, a region upper case, other
//! subtags lower case. A Chinese tag without a script gets the script its region writes:
//! `zh-TW`, `zh-HK` and `zh-MO` become `zh-Hant-TW` …, `zh-CN` and `zh-SG` `zh-Hans-CN` …, so
//! a reader asking for `zh-TW` is served a `zh-Hant` text and one asking for `zh-Hant` a
//! `zh-Hant-TW` text.

use std::fmt;

/// The longest tag taken: RFC 5646 asks implementations to take at least 35 characters.
pub const TAG_MAX: usize = 35;
/// Languages of an `Accept-Language` header read; the rest is ignored.
const PREFERENCES_MAX: usize = 16;

/// What a bad language tag is told.
pub const LANGUAGE_HINT: &str = "must be a BCP 47 language tag such as en, zh-Hant or zh-TW";

/// A checked BCP 47 language tag in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LanguageTag(String);

impl LanguageTag {
    /// Checks a tag (`-` or `_` between subtags) and puts it in canonical form; `None` when it
    /// is not a well-formed language tag: a 2–3 letter language, then an optional 4-letter
    /// script, an optional region (2 letters or 3 digits) and variants of 5–8 letters or digits
    /// (or 4 starting with a digit).
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > TAG_MAX {
            return None;
        }
        let mut subtags = raw.split(['-', '_']);
        let language = subtags.next()?;
        if !(2..=3).contains(&language.len()) || !language.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let mut parts = vec![language.to_ascii_lowercase()];
        let (mut script, mut region) = (None, None);
        // Each kind of subtag may come once, in this order.
        let mut stage = 0;
        for subtag in subtags {
            let alpha = subtag.chars().all(|c| c.is_ascii_alphabetic());
            let digits = subtag.chars().all(|c| c.is_ascii_digit());
            let alnum = subtag.chars().all(|c| c.is_ascii_alphanumeric());
            if stage < 1 && subtag.len() == 4 && alpha {
                let mut s = subtag.to_ascii_lowercase();
                s[..1].make_ascii_uppercase();
                script = Some(parts.len());
                parts.push(s);
                stage = 1;
            } else if stage < 2 && ((subtag.len() == 2 && alpha) || (subtag.len() == 3 && digits)) {
                region = Some(subtag.to_ascii_uppercase());
                parts.push(subtag.to_ascii_uppercase());
                stage = 2;
            } else if alnum
                && ((5..=8).contains(&subtag.len())
                    || (subtag.len() == 4 && subtag.starts_with(|c: char| c.is_ascii_digit())))
            {
                parts.push(subtag.to_ascii_lowercase());
                stage = 3;
            } else {
                return None;
            }
        }
        if parts[0] == "zh" && script.is_none() {
            let implied = match region.as_deref() {
                Some("TW" | "HK" | "MO") => Some("Hant"),
                Some("CN" | "SG") => Some("Hans"),
                _ => None,
            };
            if let Some(implied) = implied {
                parts.insert(1, implied.to_owned());
            }
        }
        Some(Self(parts.join("-")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The tag and its prefixes, longest first: `zh-Hant-TW`, `zh-Hant`, `zh` (RFC 4647 lookup).
    fn truncations(&self) -> impl Iterator<Item = &str> {
        let tag = self.0.as_str();
        std::iter::once(tag).chain(tag.match_indices('-').rev().map(move |(i, _)| &tag[..i]))
    }

    /// Whether `self` is `range` or extends it by whole subtags: `zh-Hant-TW` extends `zh-Hant`.
    pub fn extends(&self, range: &str) -> bool {
        self.0 == range || (self.0.starts_with(range) && self.0.as_bytes().get(range.len()) == Some(&b'-'))
    }
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The languages a reader asks for, most wanted first; empty when they asked for none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preference(Vec<LanguageTag>);

impl Preference {
    /// No language asked for: every text in its primary language.
    pub const fn none() -> Self {
        Self(Vec::new())
    }

    /// The `locale` argument of a field: one language, or BAD_USER_INPUT on `field` when it is
    /// not a language tag.
    pub fn from_argument(field: &str, locale: Option<&str>) -> crate::error::AppResult<Option<Self>> {
        locale
            .map(|raw| {
                LanguageTag::parse(raw)
                    .map(Self::only)
                    .ok_or_else(|| crate::error::AppError::bad_field(field, LANGUAGE_HINT))
            })
            .transpose()
    }

    /// One language, as a `locale` argument asks.
    pub fn only(tag: LanguageTag) -> Self {
        Self(vec![tag])
    }

    /// An `Accept-Language` header: languages by q-value, highest first, those of equal
    /// q-value in the header's order; `q=0` (not wanted), `*` and malformed entries are left out
    /// (the primary text is every text's fallback anyway).
    pub fn from_accept_language(header: &str) -> Self {
        let mut weighted: Vec<(u16, LanguageTag)> = header
            .split(',')
            .take(PREFERENCES_MAX)
            .filter_map(|entry| {
                let mut params = entry.split(';');
                let tag = LanguageTag::parse(params.next()?)?;
                let mut quality = 1000;
                for param in params {
                    if let Some(q) = param.trim().strip_prefix("q=") {
                        quality = parse_quality(q)?;
                    }
                }
                (quality > 0).then_some((quality, tag))
            })
            .collect();
        weighted.sort_by_key(|(quality, _)| std::cmp::Reverse(*quality));
        Self(weighted.into_iter().map(|(_, tag)| tag).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The language to answer in, among a text's `available` ones (the primary first): for each
    /// wanted language in order, the first available one that is it or one of its prefixes
    /// (RFC 4647 lookup: `zh-Hant-TW` finds `zh-Hant`), else one that extends it (`zh` finds
    /// `zh-Hant`); the primary when nothing wanted is there.
    pub fn pick<'a>(&self, primary: &'a LanguageTag, available: &'a [LanguageTag]) -> &'a LanguageTag {
        let all = || std::iter::once(primary).chain(available.iter());
        for wanted in &self.0 {
            for range in wanted.truncations() {
                if let Some(found) = all().find(|tag| tag.as_str() == range) {
                    return found;
                }
            }
            if let Some(found) = all().find(|tag| tag.extends(wanted.as_str())) {
                return found;
            }
        }
        primary
    }
}

/// A q-value: `0` to `1` with at most three decimals, in thousandths.
fn parse_quality(q: &str) -> Option<u16> {
    let q = q.trim();
    let (whole, fraction) = q.split_once('.').unwrap_or((q, ""));
    if fraction.len() > 3 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> LanguageTag {
        LanguageTag::parse(s).unwrap_or_else(|| panic!("{s} is a tag"))
    }

    #[test]
    fn tags_are_checked_and_canonical() {
        for (raw, canonical) in [
            ("EN", "en"),
            ("en-gb", "en-GB"),
            ("zh-hant", "zh-Hant"),
            ("zh_TW", "zh-Hant-TW"),
            ("zh-cn", "zh-Hans-CN"),
            ("zh-Hant-tw", "zh-Hant-TW"),
            ("es-419", "es-419"),
            ("de-CH-1901", "de-CH-1901"),
        ] {
            assert_eq!(tag(raw).as_str(), canonical, "{raw}");
        }
        for bad in [
            "",
            "e",
            "english",
            "en-",
            "en--GB",
            "12",
            "en-GB-US",
            "zh-Hant-Hans",
            "x-klingon",
            "<script>",
        ] {
            assert_eq!(LanguageTag::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_header_is_read_by_q_value() {
        let read = |h: &str| {
            Preference::from_accept_language(h)
                .0
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(read("zh-TW,zh;q=0.9"), ["zh-Hant-TW", "zh"]);
        assert_eq!(read("en;q=0.5, zh-Hant;q=0.8, fr"), ["fr", "zh-Hant", "en"]);
        assert_eq!(read("de;q=0, *;q=0.1, bogus tag, it;q=2"), Vec::<String>::new());
        assert_eq!(read("ja;q=0.300, ko;q=0.30"), ["ja", "ko"]);
    }

    #[test]
    fn negotiation_looks_up_then_falls_back_to_the_primary() {
        let (en, available) = (tag("en"), vec![tag("zh-Hant")]);
        let pick = |h: &str| Preference::from_accept_language(h).pick(&en, &available).to_string();
        assert_eq!(pick("zh-TW,zh;q=0.9"), "zh-Hant");
        assert_eq!(pick("zh"), "zh-Hant", "a language finds its scripts");
        assert_eq!(pick("zh-Hans"), "en", "another script is another text");
        assert_eq!(pick("fr"), "en");
        assert_eq!(pick("en-GB, zh-Hant;q=0.9"), "en");
        assert_eq!(pick("en;q=0.5, zh-Hant"), "zh-Hant");
        let taiwan = vec![tag("zh-TW")];
        assert_eq!(
            Preference::only(tag("zh-Hant")).pick(&en, &taiwan).as_str(),
            "zh-Hant-TW"
        );
    }
}
