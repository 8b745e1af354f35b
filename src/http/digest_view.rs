//! `GET /digest/latest` and `GET /digest/{week}`: the stored general issue of a week as an HTML
//! page, in English (the view for a reader with no topics, as the issue was stored). An unknown
//! or malformed week is a 404 page. A named week never changes once built, so it may be cached
//! for a day; `latest` moves when a new week is built, so for five minutes.

use actix_web::{http::header, web, HttpRequest, HttpResponse};

use super::AppState;
use crate::{
    domain::digest::{issue, Week},
    error::{Answer, AppError},
};

const HTML: &str = "text/html; charset=utf-8";

fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type(HTML)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>No such digest</title></head>\
             <body><h1>No such digest</h1><p>No weekly digest was built for this week. Weeks are named like \
             2026-W48.</p></body></html>",
        )
}

fn failed(err: AppError) -> HttpResponse {
    tracing::error!(error = %err, "reading a digest issue failed");
    HttpResponse::build(err.code().status(Answer::Refusal))
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body("the digest cannot be read now")
}

fn page(issue: entity::digest_issue::Model, max_age: u32) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(HTML)
        .insert_header((header::CACHE_CONTROL, format!("public, max-age={max_age}")))
        .insert_header((header::CONTENT_LANGUAGE, "en"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        // The page is the stored, escaped template: no script of its own, nothing to load.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; img-src https:",
        ))
        .body(issue.html)
}

/// Where an anonymous page reads: a replica, unless this address has just written.
fn reads(state: &AppState, http: &HttpRequest) -> sea_orm::DatabaseConnection {
    let address = state.settings.trusted_proxies.client_address(http);
    state.reads.for_read(&crate::db::replicas::ClientKey::of(
        &crate::auth::Caller::Anonymous,
        &address,
    ))
}

pub async fn latest(state: web::Data<AppState>, http: HttpRequest) -> HttpResponse {
    match issue::latest(&reads(&state, &http)).await {
        Ok(Some(found)) => page(found, 300),
        Ok(None) => not_found(),
        Err(err) => failed(err),
    }
}

pub async fn of_week(state: web::Data<AppState>, http: HttpRequest, week: web::Path<String>) -> HttpResponse {
    let Some(week) = Week::parse(&week) else {
        return not_found();
    };
    match issue::find(&reads(&state, &http), week).await {
        Ok(Some(found)) => page(found, 86_400),
        Ok(None) => not_found(),
        Err(err) => failed(err),
    }
}
