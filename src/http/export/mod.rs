//! `GET /export/{clusters,partnerships,successStories,events}.{csv,json,jsonl}`: the directory
//! as open data, streamed. Records are read a page at a time in id order (a keyset, never all at
//! once) and written out as each page arrives, so an export of any size runs in the memory of
//! one page. The caller sees what the API shows it (a bearer token is honoured; contact details
//! only for those the policy lets see them); the cluster export takes the filters of
//! `clusters(filter:)` as query parameters. An export is charged [`EXPORT_POINTS`] to the
//! caller's rate limits, as an operation's cost is. The licence (`EXPORT_LICENCE`) and the export
//! time travel in the output and in the `X-Licence` and `X-Exported-At` headers.

pub mod format;
mod params;
pub mod records;

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use futures_util::stream;
use uuid::Uuid;

use self::format::{Encoder, Format};
use super::{authenticate, limits::Meter, negotiate::Media, refusal::Refusal, AppState};
use crate::{
    domain::{
        export::{Kind, Selection},
        policy,
    },
    error::{AppError, ErrorCode},
    graphql::cost::CostMeter,
};

/// Rate-limit points an export costs, whatever its length: a tenth of an anonymous caller's
/// minute (50,000 points), so ten full exports a minute from one address.
pub const EXPORT_POINTS: usize = 5_000;

pub use self::params::cluster_filter;

/// `kind.format` from the path's last segment.
pub fn kind_and_format(file: &str) -> Option<(Kind, Format)> {
    let (kind, extension) = file.rsplit_once('.')?;
    Some((Kind::named(kind)?, Format::of_extension(extension)?))
}

pub async fn export(state: web::Data<AppState>, http: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let refuse = |err: AppError| {
        let retry = match &err {
            AppError::RateLimited { retry_after } => Some(retry_after.as_secs().max(1).to_string()),
            _ => None,
        };
        let mut response = Refusal::from(err).into_response(Media::Json);
        if let Some(seconds) = retry.and_then(|s| header::HeaderValue::from_str(&s).ok()) {
            response.headers_mut().insert(header::RETRY_AFTER, seconds);
        }
        response
    };
    let Some((kind, format)) = kind_and_format(&path) else {
        let message = "export clusters, partnerships, successStories or events as .csv, .json or .jsonl";
        return Refusal::new(ErrorCode::NotFound, message).into_response(Media::Json);
    };
    let who = match authenticate(&state, &http).await {
        Ok(who) => who,
        Err(err) => return refuse(err),
    };
    let filter = match cluster_filter(http.query_string(), kind == Kind::Clusters) {
        Ok(filter) => filter,
        Err(err) => return refuse(err),
    };
    let address = state.settings.trusted_proxies.client_address(&http);
    let meter = Meter::for_request(&state.settings.budgets, &who.caller, address, state.db.clone());
    if let Err(err) = meter.charge(EXPORT_POINTS).await {
        return refuse(err);
    }
    let selection = match Selection::new(&state.db, &who.caller, kind, &filter).await {
        Ok(selection) => selection,
        Err(err) => return refuse(err),
    };
    let contact = policy::may_see_contact(&who.caller);
    let exported_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let licence = state.settings.export_licence.clone();
    let encoder = Encoder::new(format, kind, records::columns(kind, contact));
    let head = encoder.head(&licence, &exported_at);
    let pages = pages(state.db.clone(), selection, encoder, contact);
    let body = stream::once(async move { Ok::<_, actix_web::Error>(web::Bytes::from(head)) }).chain(pages);
    let mut response = HttpResponse::Ok();
    response
        .content_type(format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}.{}\"", kind.name(), format.extension()),
        ))
        .insert_header(("X-Exported-At", exported_at));
    if let Ok(value) = header::HeaderValue::from_str(&licence) {
        response.insert_header(("X-Licence", value));
    }
    response.streaming(body)
}

use futures_util::StreamExt;

/// The records after the head, page by page, then the tail. A database error ends the body
/// early (the client sees a cut transfer, never a complete-looking file).
fn pages(
    db: sea_orm::DatabaseConnection,
    selection: Selection,
    encoder: Encoder,
    contact: bool,
) -> impl futures_util::Stream<Item = Result<web::Bytes, actix_web::Error>> {
    enum Next {
        After(Option<Uuid>),
        Done,
    }
    stream::unfold((Next::After(None), encoder), move |(next, mut encoder)| {
        let db = db.clone();
        let selection = selection.clone();
        async move {
            let Next::After(after) = next else { return None };
            match selection.page(&db, after).await {
                Ok(page) if page.is_empty() => {
                    let tail = encoder.tail();
                    Some((Ok(web::Bytes::from(tail)), (Next::Done, encoder)))
                }
                Ok(page) => {
                    let last = page.last_id();
                    let chunk = encoder.rows(records::values(page, contact));
                    Some((Ok(web::Bytes::from(chunk)), (Next::After(last), encoder)))
                }
                Err(err) => {
                    tracing::error!(error = %err, kind = selection.kind().name(), "an export failed");
                    Some((
                        Err(actix_web::error::ErrorInternalServerError("the export failed")),
                        (Next::Done, encoder),
                    ))
                }
            }
        }
    })
}
