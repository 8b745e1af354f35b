//! What editors give for a post, new or patched, and how every field of it is checked: the
//! bounds of each text, http(s) URLs only (the image https only), and the fields of each kind
//! (an EVENT has a start, an end not before it and a place or an online link; a CALL has a
//! deadline; the other kinds' fields stay empty).

use chrono::{DateTime, Utc};
use entity::{
    post,
    taxonomy::{Ecosystem, PostKind},
};

use crate::{
    domain::{
        locale::LanguageTag,
        validation::{Checker, NAME_MAX},
    },
    error::AppResult,
};

pub const SUMMARY_MAX: usize = 500;
pub const BODY_MAX: usize = 20_000;
/// Funding and eligibility of a call: a few paragraphs each.
pub const CALL_TEXT_MAX: usize = 5_000;
pub const PLACE_MAX: usize = 300;
pub const POST_URL_MAX: usize = 2_000;
pub const REASON_MAX: usize = 1_000;
pub const COUNTRIES_MAX: usize = 50;
pub use crate::domain::locale::LANGUAGE_HINT;

/// A post as editors write it, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct NewPost {
    pub title: String,
    pub summary: Option<String>,
    pub body_markdown: String,
    pub image_url: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub registration_url: Option<String>,
    pub deadline: Option<DateTime<Utc>>,
    pub funding: Option<String>,
    pub eligibility: Option<String>,
    pub link: Option<String>,
    pub ecosystems: Vec<Ecosystem>,
    pub countries: Vec<String>,
    /// The language of title, summary and body (a BCP 47 tag); English when not given.
    pub language: Option<String>,
}

/// Changes to a post: `None` leaves a field as it is, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct PostPatch {
    pub title: Option<String>,
    pub summary: Option<Option<String>>,
    pub body_markdown: Option<String>,
    pub image_url: Option<Option<String>>,
    pub starts_at: Option<Option<DateTime<Utc>>>,
    pub ends_at: Option<Option<DateTime<Utc>>>,
    pub place: Option<Option<String>>,
    pub online_url: Option<Option<String>>,
    pub registration_url: Option<Option<String>>,
    pub deadline: Option<Option<DateTime<Utc>>>,
    pub funding: Option<Option<String>>,
    pub eligibility: Option<Option<String>>,
    pub link: Option<Option<String>>,
    pub ecosystems: Option<Vec<Ecosystem>>,
    pub countries: Option<Vec<String>>,
    pub language: Option<String>,
}

impl NewPost {
    /// The post as stored, with its lists, to apply a patch to.
    pub(super) fn of(row: &post::Model, ecosystems: Vec<Ecosystem>, countries: Vec<String>) -> Self {
        NewPost {
            title: row.title.clone(),
            summary: row.summary.clone(),
            body_markdown: row.body_markdown.clone(),
            image_url: row.image_url.clone(),
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            place: row.place.clone(),
            online_url: row.online_url.clone(),
            registration_url: row.registration_url.clone(),
            deadline: row.deadline,
            funding: row.funding.clone(),
            eligibility: row.eligibility.clone(),
            link: row.link.clone(),
            ecosystems,
            countries,
            language: Some(row.language.clone()),
        }
    }

    /// Applies a patch; returns the names (as the API spells them) of the fields it sets.
    pub(super) fn apply(&mut self, patch: PostPatch) -> Vec<&'static str> {
        let mut changed = Vec::new();
        macro_rules! apply {
            ($($field:ident => $name:literal),+ $(,)?) => {
                $(if let Some(value) = patch.$field { self.$field = value; changed.push($name); })+
            };
        }
        apply!(
            title => "title", summary => "summary", body_markdown => "bodyMarkdown",
            image_url => "imageUrl", starts_at => "startsAt", ends_at => "endsAt", place => "place",
            online_url => "onlineUrl", registration_url => "registrationUrl", deadline => "deadline",
            funding => "funding", eligibility => "eligibility", link => "link",
            ecosystems => "ecosystems", countries => "countries",
        );
        if let Some(language) = patch.language {
            self.language = Some(language);
            changed.push("language");
        }
        changed
    }

    /// Checks every field for a post of `kind` and normalises it in place; every bad field is named.
    pub fn validate(&mut self, kind: PostKind) -> AppResult<()> {
        let mut check = Checker::new();
        if let Some(language) = &mut self.language {
            match LanguageTag::parse(language) {
                Some(tag) => *language = tag.to_string(),
                None => check.fail("language", LANGUAGE_HINT),
            }
        }
        check.name("title", &mut self.title, NAME_MAX);
        check.optional_text("summary", &mut self.summary, SUMMARY_MAX);
        let mut body = Some(std::mem::take(&mut self.body_markdown));
        check.optional_text("bodyMarkdown", &mut body, BODY_MAX);
        self.body_markdown = body.unwrap_or_default();
        if self.body_markdown.is_empty() {
            check.fail("bodyMarkdown", "must not be empty");
        }
        url(&mut check, "imageUrl", &mut self.image_url, &["https"]);
        url(&mut check, "onlineUrl", &mut self.online_url, &["http", "https"]);
        url(
            &mut check,
            "registrationUrl",
            &mut self.registration_url,
            &["http", "https"],
        );
        url(&mut check, "link", &mut self.link, &["http", "https"]);
        check.optional_name("place", &mut self.place, PLACE_MAX);
        check.optional_text("funding", &mut self.funding, CALL_TEXT_MAX);
        check.optional_text("eligibility", &mut self.eligibility, CALL_TEXT_MAX);
        self.ecosystems.sort();
        self.ecosystems.dedup();
        check.countries("countries", &mut self.countries);
        if self.countries.len() > COUNTRIES_MAX {
            check.fail("countries", format!("at most {COUNTRIES_MAX} countries"));
        }
        let event_fields = [
            ("startsAt", self.starts_at.is_some()),
            ("endsAt", self.ends_at.is_some()),
            ("place", self.place.is_some()),
            ("onlineUrl", self.online_url.is_some()),
            ("registrationUrl", self.registration_url.is_some()),
        ];
        let call_fields = [
            ("deadline", self.deadline.is_some()),
            ("funding", self.funding.is_some()),
            ("eligibility", self.eligibility.is_some()),
        ];
        if kind != PostKind::Event {
            refuse_given(&mut check, &event_fields, "EVENT");
        }
        if kind != PostKind::Call {
            refuse_given(&mut check, &call_fields, "CALL");
        }
        match kind {
            PostKind::Event => {
                match (self.starts_at, self.ends_at) {
                    (Some(start), Some(end)) if end < start => check.fail("endsAt", "must not be before startsAt"),
                    (None, _) => check.fail("startsAt", "an EVENT needs a start"),
                    (_, None) => check.fail("endsAt", "an EVENT needs an end"),
                    _ => {}
                }
                if self.place.is_none() && self.online_url.is_none() {
                    check.fail("place", "an EVENT needs a place, an online link or both");
                }
            }
            PostKind::Call => {
                if self.deadline.is_none() {
                    check.fail("deadline", "a CALL needs a deadline");
                }
            }
            PostKind::News => {}
        }
        check.finish()
    }
}

fn refuse_given(check: &mut Checker, fields: &[(&str, bool)], kind: &str) {
    for (field, given) in fields {
        if *given {
            check.fail(field, format!("only an {kind} post has it"));
        }
    }
}

/// An optional absolute URL with a host, of one of `schemes`, at most [`POST_URL_MAX`] long.
fn url(check: &mut Checker, field: &str, value: &mut Option<String>, schemes: &[&str]) {
    let Some(v) = value else { return };
    *v = v.trim().to_owned();
    if v.is_empty() {
        *value = None;
        return;
    }
    let ok = v.len() <= POST_URL_MAX
        && url::Url::parse(v)
            .map(|u| schemes.contains(&u.scheme()) && u.host_str().is_some_and(|h| !h.is_empty()))
            .unwrap_or(false);
    if !ok {
        check.fail(
            field,
            format!(
                "must be an {} URL of at most {POST_URL_MAX} characters",
                schemes.join(" or ")
            ),
        );
    }
}

/// A moderator's reason for unpublishing a post or returning a success story: trimmed, 1 to
/// [`REASON_MAX`] characters.
pub fn check_reason(reason: &mut String) -> AppResult<()> {
    let mut check = Checker::new();
    let mut given = Some(std::mem::take(reason));
    check.optional_text("reason", &mut given, REASON_MAX);
    *reason = given.unwrap_or_default();
    if reason.is_empty() {
        check.fail("reason", "say why: the author reads it");
    }
    check.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    fn fields(result: AppResult<()>) -> Vec<String> {
        match result {
            Err(AppError::BadUserInput { fields, .. }) => fields.into_iter().map(|f| f.field).collect(),
            other => panic!("expected BAD_USER_INPUT, got {other:?}"),
        }
    }

    fn base() -> NewPost {
        NewPost {
            title: "Taiwan-EU Cluster Cooperation Seminar".into(),
            body_markdown: "CNFI and ECCP".into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_event_needs_its_dates_in_order_and_a_place() {
        let start = "2018-06-05T01:00:00Z".parse().ok();
        let end = "2018-06-04T01:00:00Z".parse().ok();
        let mut post = NewPost {
            starts_at: start,
            ends_at: end,
            ..base()
        };
        assert_eq!(fields(post.validate(PostKind::Event)), ["endsAt", "place"]);
        let mut ok = NewPost {
            starts_at: start,
            ends_at: start,
            place: Some("Taipei".into()),
            ..base()
        };
        assert!(ok.validate(PostKind::Event).is_ok());
    }

    #[test]
    fn a_call_needs_a_deadline_and_news_has_no_dates() {
        assert_eq!(fields(base().validate(PostKind::Call)), ["deadline"]);
        let mut news = NewPost {
            deadline: "2027-03-31T15:00:00Z".parse().ok(),
            place: Some("Taipei".into()),
            ..base()
        };
        assert_eq!(fields(news.validate(PostKind::News)), ["place", "deadline"]);
    }

    #[test]
    fn urls_are_http_and_the_image_https() {
        let mut post = NewPost {
            image_url: Some("http://ok.example/a.png".into()),
            link: Some("javascript:alert(1)".into()),
            ..base()
        };
        assert_eq!(fields(post.validate(PostKind::News)), ["imageUrl", "link"]);
    }
}
