//! `/metrics`: the process's counters and histograms in the Prometheus text format, with the
//! gauges of this server read at scrape time (its database pool, its subscription sockets, the
//! outbox's depth).
//!
//! Who may scrape: with `METRICS_TOKEN` set, whoever sends `Authorization: Bearer <token>`;
//! without it, in development only, a client on the loopback interface that came through no
//! proxy. Anyone else gets 404 (401 when a token is set), so the endpoint tells nothing.

use std::fmt::Write as _;

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use entity::outbox_mail::MailStatus;
use sea_orm::{ActiveEnum, DatabaseBackend, FromQueryResult, Iterable, Statement};
use sha2::{Digest, Sha256};

use super::AppState;
use crate::observability::metrics::handle;

pub async fn metrics(state: web::Data<AppState>, http: HttpRequest) -> HttpResponse {
    match may_scrape(&state, &http) {
        Access::Granted => {}
        Access::Unauthorised => {
            return HttpResponse::Unauthorized()
                .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
                .finish()
        }
        Access::Hidden => return HttpResponse::NotFound().finish(),
    }
    let recorder = handle();
    recorder.run_upkeep();
    let mut text = recorder.render();
    server_gauges(&state, &mut text).await;
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text)
}

enum Access {
    Granted,
    Unauthorised,
    Hidden,
}

fn may_scrape(state: &AppState, http: &HttpRequest) -> Access {
    if let Some(token) = &state.settings.metrics_token {
        let given = http
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        // Digests compared, so the time taken tells nothing of the token.
        return if Sha256::digest(given.as_bytes()) == Sha256::digest(token.as_bytes()) {
            Access::Granted
        } else {
            Access::Unauthorised
        };
    }
    let proxied = ["forwarded", "x-forwarded-for"]
        .iter()
        .any(|name| http.headers().contains_key(*name));
    let loopback = http.peer_addr().is_some_and(|peer| peer.ip().is_loopback());
    if !state.settings.production && loopback && !proxied {
        Access::Granted
    } else {
        Access::Hidden
    }
}

#[derive(FromQueryResult)]
struct OutboxRow {
    status: String,
    failing: i32,
    n: i64,
}

/// Appends this server's gauges. The outbox is one grouped count over the mail table.
async fn server_gauges(state: &AppState, text: &mut String) {
    let (size, idle, max) = match state.db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let pool = state.db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle(), pool.options().get_max_connections())
        }
        DatabaseBackend::Sqlite => {
            let pool = state.db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle(), pool.options().get_max_connections())
        }
        _ => (0, 0, 0),
    };
    let idle = u32::try_from(idle).unwrap_or(u32::MAX).min(size);
    gauge(
        text,
        "db_pool_connections",
        "Database connections of this server's pool, in use or idle",
        &[
            ("state=\"in_use\"", f64::from(size - idle)),
            ("state=\"idle\"", f64::from(idle)),
        ],
    );
    gauge(
        text,
        "db_pool_max_connections",
        "Most connections the pool opens",
        &[("", f64::from(max))],
    );
    gauge(
        text,
        "live_sockets_open",
        "Subscription sockets (WebSocket) this server holds open",
        &[("", state.sockets.open() as f64)],
    );
    let backend = state.db.get_database_backend();
    let sql = "SELECT status, CASE WHEN last_error IS NULL THEN 0 ELSE 1 END AS failing, COUNT(*) AS n \
               FROM outbox_mail GROUP BY status, failing";
    let rows = OutboxRow::find_by_statement(Statement::from_string(backend, sql))
        .all(&state.db)
        .await;
    match rows {
        Ok(rows) => {
            let mut by_status: Vec<(String, f64)> = MailStatus::iter()
                .map(|s| (format!("status=\"{}\"", s.to_value()), 0.0))
                .collect();
            let queued = MailStatus::Queued.to_value();
            let mut retrying = 0.0;
            for row in rows {
                let label = format!("status=\"{}\"", row.status);
                if let Some(entry) = by_status.iter_mut().find(|(l, _)| *l == label) {
                    entry.1 += row.n as f64;
                }
                if row.status == queued && row.failing == 1 {
                    retrying += row.n as f64;
                }
            }
            let by_status: Vec<(&str, f64)> = by_status.iter().map(|(l, n)| (l.as_str(), *n)).collect();
            gauge(
                text,
                "outbox_mail_messages",
                "Mails in the outbox by status",
                &by_status,
            );
            gauge(
                text,
                "outbox_mail_retrying",
                "Queued mails whose last attempt failed, waiting for their retry",
                &[("", retrying)],
            );
        }
        Err(error) => tracing::warn!(%error, "metrics: the outbox could not be counted"),
    }
}

fn gauge(text: &mut String, name: &str, help: &str, values: &[(&str, f64)]) {
    let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} gauge");
    for (labels, value) in values {
        if labels.is_empty() {
            let _ = writeln!(text, "{name} {value}");
        } else {
            let _ = writeln!(text, "{name}{{{labels}}} {value}");
        }
    }
}
