//! The mail and web-view templates (minijinja), compiled into the binary and parsed once.
//!
//! Templates live in `src/mail/templates/`; a name ending in `.html` is HTML-escaped
//! automatically, `.txt` is not. Add a template by adding its file to [`TEMPLATES`].

use std::sync::LazyLock;

use minijinja::Environment;
use serde::Serialize;

use crate::error::{AppError, AppResult};

/// Every template, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("templates/layout.html")),
    ("digest.html", include_str!("templates/digest.html")),
    ("digest.txt", include_str!("templates/digest.txt")),
    (
        "subscription_confirmation.html",
        include_str!("templates/subscription_confirmation.html"),
    ),
    (
        "subscription_confirmation.txt",
        include_str!("templates/subscription_confirmation.txt"),
    ),
    (
        "subscription_active.html",
        include_str!("templates/subscription_active.html"),
    ),
    (
        "subscription_active.txt",
        include_str!("templates/subscription_active.txt"),
    ),
    ("digest_link_page.html", include_str!("templates/digest_link_page.html")),
    (
        "account/invitation.html",
        include_str!("templates/account/invitation.html"),
    ),
    (
        "account/invitation.txt",
        include_str!("templates/account/invitation.txt"),
    ),
    (
        "account/verification.html",
        include_str!("templates/account/verification.html"),
    ),
    (
        "account/verification.txt",
        include_str!("templates/account/verification.txt"),
    ),
    (
        "account/password_reset.html",
        include_str!("templates/account/password_reset.html"),
    ),
    (
        "account/password_reset.txt",
        include_str!("templates/account/password_reset.txt"),
    ),
    ("account/interest.html", include_str!("templates/account/interest.html")),
    ("account/interest.txt", include_str!("templates/account/interest.txt")),
    ("webhook_disabled.html", include_str!("templates/webhook_disabled.html")),
    ("webhook_disabled.txt", include_str!("templates/webhook_disabled.txt")),
];

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // A missing variable is a bug in the caller, not an empty string in a mail.
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    for (name, source) in TEMPLATES {
        // The templates are part of the binary; the unit test below renders each, so a broken
        // one fails the build's tests rather than a mail at run time.
        if let Err(error) = env.add_template(name, source) {
            tracing::error!(template = name, %error, "a built-in template does not parse");
        }
    }
    env
});

/// Renders template `name` with `context`.
pub fn render(name: &str, context: impl Serialize) -> AppResult<String> {
    let template = ENVIRONMENT.get_template(name).map_err(AppError::internal)?;
    template
        .render(minijinja::value::Serde(&context))
        .map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses_and_html_is_escaped() {
        for (name, source) in TEMPLATES {
            let mut env = Environment::new();
            env.add_template(name, source).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let html = render(
            "layout.html",
            minijinja::context! { title => "<script>x</script>", content => "", footer => "" },
        )
        .expect("the layout renders");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>x"), "{html}");
    }
}
