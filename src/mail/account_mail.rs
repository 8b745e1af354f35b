//! The mails of accounts (issue 16.7): an invitation to manage a cluster, the link that verifies
//! an address, the password-reset link, and the note to a poster that someone answered their
//! partner search. Each is rendered from its templates (`account/*.html` and `.txt`) in the
//! recipient's language: Traditional Chinese for a `zh-Hant…` tag (`zh-TW` becomes one), else
//! English.
//!
//! The links point at the client's pages (README, "Account mail"), which take the token from the
//! query string and call the mutation: a link opened by a mail scanner changes nothing.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::outbox_mail::MailPurpose;
use serde::Serialize;
use uuid::Uuid;

use super::{template, NewMail};
use crate::{auth::Links, domain::locale::LanguageTag, error::AppResult};

/// The client page that accepts an invitation with `?token=`.
pub const ACCEPT_INVITATION_PATH: &str = "/invitations/accept";
/// The client page that verifies an address with `?token=`.
pub const VERIFY_EMAIL_PATH: &str = "/account/verify-email";
/// The client page that sets a new password with `?token=`.
pub const RESET_PASSWORD_PATH: &str = "/account/reset-password";
/// The client page of one partner search, followed by its global ID.
pub const PARTNER_SEARCH_PATH: &str = "/partner-searches/";

/// A language the account mails are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailLanguage {
    English,
    TraditionalChinese,
}

impl MailLanguage {
    /// The language for a stored BCP 47 tag; English when there is none or it is not written.
    pub fn of(tag: Option<&str>) -> Self {
        match tag.and_then(LanguageTag::parse) {
            Some(tag) if tag.as_str().starts_with("zh-Hant") => MailLanguage::TraditionalChinese,
            _ => MailLanguage::English,
        }
    }

    fn tag(self) -> &'static str {
        match self {
            MailLanguage::English => "en",
            MailLanguage::TraditionalChinese => "zh-Hant",
        }
    }

    fn pick(self, english: &'static str, chinese: &'static str) -> &'static str {
        match self {
            MailLanguage::English => english,
            MailLanguage::TraditionalChinese => chinese,
        }
    }
}

/// Renders `account/{name}.html` and `.txt` with `fields`, plus `title` and `language`.
fn render(
    purpose: MailPurpose,
    dedupe_key: String,
    recipient: &str,
    name: &str,
    subject: &str,
    language: MailLanguage,
    fields: impl Serialize,
) -> AppResult<NewMail> {
    #[derive(Serialize)]
    struct Context<'a, F> {
        title: &'a str,
        language: &'a str,
        #[serde(flatten)]
        fields: F,
    }
    let context = Context {
        title: subject,
        language: language.tag(),
        fields,
    };
    Ok(NewMail {
        purpose,
        dedupe_key,
        recipient: recipient.to_owned(),
        subject: subject.to_owned(),
        text_body: template::render(&format!("account/{name}.txt"), &context)?,
        html_body: Some(template::render(&format!("account/{name}.html"), &context)?),
        headers: BTreeMap::new(),
    })
}

fn with_token(links: &Links, path: &str, token: &str) -> String {
    // Every token we make is URL-safe (base64url, digits, dots), so it needs no escaping.
    links.url(&format!("{path}?token={token}"))
}

/// Asks `recipient` to manage `cluster`; the link carries the invitation's token.
pub struct Invitation<'a> {
    pub id: Uuid,
    pub recipient: &'a str,
    pub cluster: &'a str,
    pub token: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub fn invitation(links: &Links, language: MailLanguage, invitation: &Invitation<'_>) -> AppResult<NewMail> {
    #[derive(Serialize)]
    struct Fields<'a> {
        cluster: &'a str,
        link: String,
        expires: String,
    }
    let subject = match language {
        MailLanguage::English => format!("Invitation to manage {}", invitation.cluster),
        MailLanguage::TraditionalChinese => format!("邀請您共同管理「{}」", invitation.cluster),
    };
    render(
        MailPurpose::Invitation,
        format!("invitation:{}", invitation.id),
        invitation.recipient,
        "invitation",
        &subject,
        language,
        Fields {
            cluster: invitation.cluster,
            link: with_token(links, ACCEPT_INVITATION_PATH, invitation.token),
            expires: invitation.expires_at.format("%Y-%m-%d %H:%M").to_string(),
        },
    )
}

/// The link that verifies `recipient`'s address, working for `hours`.
pub fn verification(
    links: &Links,
    language: MailLanguage,
    recipient: &str,
    name: &str,
    token: &str,
    hours: i64,
) -> AppResult<NewMail> {
    #[derive(Serialize)]
    struct Fields<'a> {
        name: &'a str,
        link: String,
        hours: i64,
    }
    render(
        MailPurpose::Verification,
        // One per request: the throttle, not the key, keeps their number down.
        format!("verification:{}", Uuid::now_v7()),
        recipient,
        "verification",
        language.pick("Verify your e-mail address", "請確認您的電子郵件地址"),
        language,
        Fields {
            name,
            link: with_token(links, VERIFY_EMAIL_PATH, token),
            hours,
        },
    )
}

/// The link that sets a new password for `recipient`'s account, working for `minutes`.
pub fn password_reset(
    links: &Links,
    language: MailLanguage,
    recipient: &str,
    token: &str,
    minutes: i64,
) -> AppResult<NewMail> {
    #[derive(Serialize)]
    struct Fields {
        link: String,
        minutes: i64,
    }
    render(
        MailPurpose::PasswordReset,
        format!("password-reset:{}", Uuid::now_v7()),
        recipient,
        "password_reset",
        language.pick("Reset your password", "重設您的密碼"),
        language,
        Fields {
            link: with_token(links, RESET_PASSWORD_PATH, token),
            minutes,
        },
    )
}

/// Tells the poster of a search that a cluster answered it. The answer's message stays out of
/// the mail: it is for the poster's editors, behind a sign-in, and a mail may be forwarded.
pub struct Interest<'a> {
    pub recipient: &'a str,
    pub search_id: Uuid,
    pub search_title: &'a str,
    pub interested_cluster_id: Uuid,
    pub interested_cluster: &'a str,
}

pub fn interest(links: &Links, language: MailLanguage, interest: &Interest<'_>) -> AppResult<NewMail> {
    #[derive(Serialize)]
    struct Fields<'a> {
        interested: &'a str,
        search: &'a str,
        link: String,
    }
    // The page is named by the ID the API takes, so the client passes it on as it is.
    let search = crate::graphql::node::encode(crate::graphql::partner_search::TYPE_NAME, interest.search_id);
    render(
        MailPurpose::Interest,
        // Once per (search, interested cluster), however often the answer is sent.
        format!("interest:{}:{}", interest.search_id, interest.interested_cluster_id),
        interest.recipient,
        "interest",
        language.pick("A cluster answered your partner search", "有聚落回覆了您的夥伴徵求"),
        language,
        Fields {
            interested: interest.interested_cluster,
            search: interest.search_title,
            link: links.url(&format!("{PARTNER_SEARCH_PATH}{}", search.as_str())),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_account_mail_renders_in_both_languages_and_escapes_html() {
        let links = Links::default();
        for language in [MailLanguage::English, MailLanguage::TraditionalChinese] {
            let mails = [
                invitation(
                    &links,
                    language,
                    &Invitation {
                        id: Uuid::now_v7(),
                        recipient: "a@example.org",
                        cluster: "<b>TPCA</b>",
                        token: "tok",
                        expires_at: Utc::now(),
                    },
                ),
                verification(&links, language, "a@example.org", "<b>Ana</b>", "tok", 48),
                password_reset(&links, language, "a@example.org", "tok", 60),
                interest(
                    &links,
                    language,
                    &Interest {
                        recipient: "a@example.org",
                        search_id: Uuid::now_v7(),
                        search_title: "<b>Drones</b>",
                        interested_cluster_id: Uuid::now_v7(),
                        interested_cluster: "CASTRA",
                    },
                ),
            ];
            for mail in mails {
                let mail = mail.expect("renders");
                let html = mail.html_body.expect("an HTML body");
                assert!(!html.contains("<b>"), "{html}");
                // minijinja escapes `/` in HTML too (`&#x2f;`), which browsers read back.
                assert!(html.contains("http:&#x2f;&#x2f;127.0.0.1:8080&#x2f;"), "{html}");
                assert!(mail.text_body.contains("http://127.0.0.1:8080/"), "{}", mail.text_body);
                assert!(html.contains(&format!("lang=\"{}\"", language.tag())), "{html}");
            }
        }
        assert_eq!(MailLanguage::of(Some("zh-TW")), MailLanguage::TraditionalChinese);
        assert_eq!(MailLanguage::of(Some("de")), MailLanguage::English);
        assert_eq!(MailLanguage::of(None), MailLanguage::English);
    }
}
