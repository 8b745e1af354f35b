//! The pages behind the links of digest mails: `GET /digest/confirm?token=` and
//! `GET /digest/unsubscribe?token=` show a page with a button and change nothing (mail scanners
//! fetch every link); `POST /digest/confirm` (form field `token`) confirms, and
//! `POST /digest/unsubscribe?token=` unsubscribes, with the body `List-Unsubscribe=One-Click`
//! of RFC 8058 or the page's form.
//!
//! The token is the only proof, so no cookie is read and a cross-site POST can do no more than
//! its holder could. The token is in the URL: the pages are never cached and send no referrer.

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::AppState;
use crate::{
    domain::digest::{
        subscription::{self, CONFIRM_PATH},
        unsubscribe::UNSUBSCRIBE_PATH,
    },
    error::{Answer, AppError, ErrorCode, Refusal},
};

/// The largest form body read: a token and the one-click field fit many times over.
const FORM_MAX: usize = 4096;

#[derive(Serialize)]
struct Page<'a> {
    title: &'a str,
    language: &'a str,
    message: &'a str,
    /// Where the button posts to; no button without it.
    action: Option<String>,
    token: &'a str,
    one_click: bool,
    button: &'a str,
}

impl<'a> Page<'a> {
    fn text(title: &'a str, message: &'a str) -> Self {
        Page {
            title,
            language: "en",
            message,
            action: None,
            token: "",
            one_click: false,
            button: "",
        }
    }
}

fn respond(status: actix_web::http::StatusCode, page: &Page<'_>) -> HttpResponse {
    let body = match crate::mail::template::render("digest_link_page.html", page) {
        Ok(body) => body,
        Err(_) => return HttpResponse::InternalServerError().finish(),
    };
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        ))
        .content_type("text/html; charset=utf-8")
        .body(body)
}

fn invalid() -> HttpResponse {
    respond(
        ErrorCode::LinkInvalid.status(Answer::Refusal),
        &Page::text(
            "This link does not work",
            "This link is not valid (any more): it may have expired, or been used already. \
             Subscribe again to get a fresh one.",
        ),
    )
}

fn failed(err: &AppError) -> HttpResponse {
    if matches!(err, AppError::Refused(Refusal::LinkInvalid)) {
        return invalid();
    }
    respond(
        err.code().status(Answer::Refusal),
        &Page::text(
            "Please try again",
            "This cannot be done right now. Please try again in a moment.",
        ),
    )
}

/// The `token` of the query string, if any.
fn query_token(http: &HttpRequest) -> Option<String> {
    url::form_urlencoded::parse(http.query_string().as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
}

/// The token of a POST: the form field wins over the query string.
fn posted_token(http: &HttpRequest, body: &[u8]) -> Option<String> {
    if body.len() > FORM_MAX {
        return None;
    }
    url::form_urlencoded::parse(body)
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .or_else(|| query_token(http))
}

pub async fn confirm_page(state: web::Data<AppState>, http: HttpRequest) -> HttpResponse {
    let Some(token) = query_token(&http) else {
        return invalid();
    };
    match subscription::confirmation_holds(&state.db, &state.settings.links, &token).await {
        Ok(true) => respond(
            actix_web::http::StatusCode::OK,
            &Page {
                action: Some(CONFIRM_PATH.to_owned()),
                token: &token,
                button: "Confirm my subscription",
                ..Page::text(
                    "Confirm your subscription",
                    "Press the button to start receiving the ClusterBridge weekly digest.",
                )
            },
        ),
        Ok(false) => invalid(),
        Err(err) => failed(&err),
    }
}

pub async fn confirm(state: web::Data<AppState>, http: HttpRequest, body: web::Bytes) -> HttpResponse {
    let Some(token) = posted_token(&http, &body) else {
        return invalid();
    };
    match subscription::confirm(&state.db, &state.settings.links, None, &token).await {
        Ok(_) => {
            wrote(&state, &http).await;
            respond(
                actix_web::http::StatusCode::OK,
                &Page::text(
                    "Subscription confirmed",
                    "Thank you: the weekly digest will come to this address. Every digest carries a link to unsubscribe.",
                ),
            )
        }
        Err(err) => failed(&err),
    }
}

pub async fn unsubscribe_page(state: web::Data<AppState>, http: HttpRequest) -> HttpResponse {
    let Some(token) = query_token(&http) else {
        return invalid();
    };
    match subscription::unsubscribe_holds(&state.db, &state.settings.links, &token).await {
        Ok(true) => {
            let action = url::form_urlencoded::Serializer::new(format!("{UNSUBSCRIBE_PATH}?"))
                .append_pair("token", &token)
                .finish();
            respond(
                actix_web::http::StatusCode::OK,
                &Page {
                    action: Some(action),
                    token: &token,
                    one_click: true,
                    button: "Unsubscribe",
                    ..Page::text(
                        "Unsubscribe from the weekly digest",
                        "Press the button and no more digests will come to this address.",
                    )
                },
            )
        }
        Ok(false) => invalid(),
        Err(err) => failed(&err),
    }
}

/// RFC 8058's one click, and the page's button: unsubscribes at once, again and again.
pub async fn unsubscribe(state: web::Data<AppState>, http: HttpRequest, body: web::Bytes) -> HttpResponse {
    let Some(token) = posted_token(&http, &body) else {
        return invalid();
    };
    match subscription::unsubscribe(&state.db, &state.settings.links, None, &token).await {
        Ok(_) => {
            wrote(&state, &http).await;
            respond(
                actix_web::http::StatusCode::OK,
                &Page::text("Unsubscribed", "No more digests will come to this address."),
            )
        }
        Err(err) => failed(&err),
    }
}

/// A page's write, for read-your-writes (see `crate::db::replicas`): the address reads from
/// where the write is visible for a while.
async fn wrote(state: &AppState, http: &HttpRequest) {
    let address = state.settings.trusted_proxies.client_address(http);
    state
        .reads
        .wrote(&crate::db::replicas::ClientKey::of(
            &crate::auth::Caller::Anonymous,
            &address,
        ))
        .await;
}
