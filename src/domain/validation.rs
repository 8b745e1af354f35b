//! Input checks shared by every write. A [`Checker`] collects every bad field of an input, so a
//! client learns all its mistakes in one round trip.

use chrono::Datelike;

use crate::error::{AppError, AppResult, FieldError};

pub const NAME_MAX: usize = 200;
pub const SHORT_MAX: usize = 120;
pub const ACRONYM_MAX: usize = 40;
pub const URL_MAX: usize = 500;
pub const TEXT_MAX: usize = 20_000;
pub const KEYWORD_MAX: usize = 60;
pub const KEYWORDS_MAX: usize = 50;
pub const COUNT_MAX: i32 = 10_000_000;
pub const EARLIEST_FOUNDING_YEAR: i32 = 1800;

#[derive(Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn finish(self) -> AppResult<()> {
        if self.errors.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = self.errors.iter().map(|e| e.field.as_str()).collect();
        Err(AppError::BadUserInput {
            message: format!("invalid input: {}", names.join(", ")),
            fields: self.errors,
        })
    }

    /// A required name: trimmed in place, non-empty, no control characters, at most `max` characters.
    pub fn name(&mut self, field: &str, value: &mut String, max: usize) {
        *value = value.trim().to_owned();
        if value.is_empty() {
            self.fail(field, "must not be empty");
        } else {
            self.text(field, value, max);
        }
    }

    /// An optional short text: trimmed in place, blank becomes absent.
    pub fn optional_name(&mut self, field: &str, value: &mut Option<String>, max: usize) {
        if let Some(v) = value {
            *v = v.trim().to_owned();
            if v.is_empty() {
                *value = None;
            } else {
                self.text(field, v, max);
            }
        }
    }

    /// Free text (descriptions, story bodies): line breaks allowed, other control characters not.
    pub fn optional_text(&mut self, field: &str, value: &mut Option<String>, max: usize) {
        if let Some(v) = value {
            *v = v.trim().to_owned();
            if v.is_empty() {
                *value = None;
            } else if v.chars().count() > max {
                self.fail(field, format!("must be at most {max} characters"));
            } else if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
                self.fail(field, "must not contain control characters");
            }
        }
    }

    fn text(&mut self, field: &str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.fail(field, format!("must be at most {max} characters"));
        } else if value.chars().any(char::is_control) {
            self.fail(field, "must not contain control characters");
        }
    }

    /// An ISO 3166-1 alpha-2 code, normalised to upper case. The European Commission writes EL for
    /// Greece and UK for the United Kingdom, so ECCP exports carry them: they are taken and stored
    /// as GR and GB, so that one country never has two codes in filters and facets. XK (Kosovo) has
    /// no ISO code; the Commission uses this user-assigned one, and it is kept as it is.
    pub fn country(&mut self, field: &str, value: &mut String) {
        *value = value.trim().to_ascii_uppercase();
        if let Some(iso) = iso_for_eu_code(value) {
            *value = iso.to_owned();
        }
        if value.len() != 2 || celes::Country::from_alpha2(value.as_str()).is_err() {
            self.fail(
                field,
                "must be an ISO 3166-1 alpha-2 country code such as TW or DE (EL, UK and XK are taken too)",
            );
        }
    }

    pub fn countries(&mut self, field: &str, values: &mut Vec<String>) {
        for value in values.iter_mut() {
            self.country(field, value);
        }
        values.sort();
        values.dedup();
    }

    /// An absolute http(s) URL with a host.
    pub fn optional_url(&mut self, field: &str, value: &mut Option<String>) {
        if let Some(v) = value {
            *v = v.trim().to_owned();
            if v.is_empty() {
                *value = None;
                return;
            }
            let ok = v.len() <= URL_MAX
                && url::Url::parse(v)
                    .map(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()))
                    .unwrap_or(false);
            if !ok {
                self.fail(
                    field,
                    format!("must be an http or https URL of at most {URL_MAX} characters"),
                );
            }
        }
    }

    pub fn optional_email(&mut self, field: &str, value: &mut Option<String>) {
        if let Some(v) = value {
            *v = v.trim().to_owned();
            if v.is_empty() {
                *value = None;
                return;
            }
            let ok = v.len() <= 254
                && !v.chars().any(|c| c.is_whitespace() || c.is_control())
                && v.split_once('@').is_some_and(|(local, domain)| {
                    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
                });
            if !ok {
                self.fail(field, "must be an e-mail address");
            }
        }
    }

    pub fn optional_year(&mut self, field: &str, value: Option<i32>) {
        if let Some(year) = value {
            let this_year = chrono::Utc::now().year();
            if !(EARLIEST_FOUNDING_YEAR..=this_year).contains(&year) {
                self.fail(
                    field,
                    format!("must be between {EARLIEST_FOUNDING_YEAR} and {this_year}"),
                );
            }
        }
    }

    pub fn count(&mut self, field: &str, value: i32) {
        if !(0..=COUNT_MAX).contains(&value) {
            self.fail(field, format!("must be between 0 and {COUNT_MAX}"));
        }
    }

    /// Keywords: trimmed, non-empty, deduplicated case-insensitively, bounded in length and number.
    pub fn keywords(&mut self, field: &str, values: &mut Vec<String>) {
        let mut seen = std::collections::HashSet::new();
        let mut cleaned = Vec::with_capacity(values.len());
        for value in values.drain(..) {
            let value = value.trim().to_owned();
            if value.is_empty() {
                self.fail(field, "keywords must not be empty");
            } else if value.chars().count() > KEYWORD_MAX || value.chars().any(char::is_control) {
                self.fail(
                    field,
                    format!("keywords must be at most {KEYWORD_MAX} printable characters"),
                );
            } else if seen.insert(value.to_lowercase()) {
                cleaned.push(value);
            }
        }
        if cleaned.len() > KEYWORDS_MAX {
            self.fail(field, format!("at most {KEYWORDS_MAX} keywords"));
        }
        *values = cleaned;
    }
}

/// The ISO code for a code of the EU's interinstitutional style guide that differs from ISO 3166-1.
fn iso_for_eu_code(code: &str) -> Option<&'static str> {
    match code {
        "EL" => Some("GR"),
        "UK" => Some("GB"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_bad_field() {
        let mut check = Checker::new();
        let mut name = "  ".to_owned();
        let mut country = "XX".to_owned();
        let mut website = Some("ftp://example.org".to_owned());
        check.name("name", &mut name, NAME_MAX);
        check.country("country", &mut country);
        check.optional_url("website", &mut website);
        check.optional_year("foundedYear", Some(1700));
        check.count("memberCounts.total", -1);
        let Err(AppError::BadUserInput { fields, .. }) = check.finish() else {
            panic!("expected BAD_USER_INPUT")
        };
        let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            names,
            ["name", "country", "website", "foundedYear", "memberCounts.total"]
        );
    }

    #[test]
    fn normalises_good_input() {
        let mut check = Checker::new();
        let mut country = " tw ".to_owned();
        let mut keywords = vec![" 5G ".to_owned(), "5g".to_owned(), "IoT".to_owned()];
        check.country("country", &mut country);
        check.keywords("technologies", &mut keywords);
        assert!(check.finish().is_ok());
        assert_eq!(country, "TW");
        assert_eq!(keywords, ["5G", "IoT"]);
    }

    #[test]
    fn takes_the_commissions_country_codes() {
        let mut check = Checker::new();
        let mut greece = "el".to_owned();
        let mut kosovo = "XK".to_owned();
        let mut markets = vec!["UK".to_owned(), "GB".to_owned(), "EL".to_owned()];
        check.country("country", &mut greece);
        check.country("country", &mut kosovo);
        check.countries("targetMarkets", &mut markets);
        assert!(check.finish().is_ok());
        assert_eq!((greece.as_str(), kosovo.as_str()), ("GR", "XK"));
        assert_eq!(markets, ["GB", "GR"], "one country, one code");
        for unknown in ["QQ", "ZZ", "EU", "E", "GRC"] {
            let mut check = Checker::new();
            check.country("country", &mut unknown.to_owned());
            assert!(check.finish().is_err(), "{unknown}");
        }
    }
}
