//! `GET /events/{eventId}/agenda/{participantId}.ics`: a participant's agenda as RFC 5545
//! iCalendar. The ids are GraphQL global IDs (as the API returns them) or bare uuids. It opens
//! to a bearer token of someone who acts for the participant or organises the event, or to the
//! `?token=` of the participant's agenda link; everything else is 404, never 403, so the
//! answer tells a prober nothing about which events and participants exist.

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use async_graphql::ID;
use serde::Deserialize;
use uuid::Uuid;

use super::{authenticate, AppState};
use crate::{
    auth::Caller,
    db::replicas::ClientKey,
    domain::matchmaking::agenda,
    error::{Answer, AppError},
    graphql::{
        matchmaking::{event::TYPE_NAME as EVENT, participant::TYPE_NAME as PARTICIPANT},
        node,
    },
};

#[derive(Deserialize)]
struct LinkQuery {
    token: Option<String>,
}

/// A uuid, or a global ID of that type.
fn id_of(text: &str, type_name: &str) -> Option<Uuid> {
    // A global ID is short; anything long is neither.
    if text.len() > 200 {
        return None;
    }
    text.parse()
        .ok()
        .or_else(|| node::decode("id", &ID(text.to_owned()), type_name).ok())
}

fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("not found")
}

fn failed(err: AppError) -> HttpResponse {
    tracing::error!(error = %err, "reading an agenda failed");
    HttpResponse::build(err.code().status(Answer::Refusal))
        .content_type("text/plain; charset=utf-8")
        .body("the agenda cannot be read now")
}

pub async fn agenda_ics(
    state: web::Data<AppState>,
    http: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (event, file) = path.into_inner();
    let Some(participant) = file.strip_suffix(".ics") else {
        return not_found();
    };
    let (Some(event_id), Some(participant_id)) = (id_of(&event, EVENT), id_of(participant, PARTICIPANT)) else {
        return not_found();
    };
    let token = web::Query::<LinkQuery>::from_query(http.query_string())
        .ok()
        .and_then(|q| q.into_inner().token);
    // A bad or expired bearer token is no more than no token here.
    let caller = match token {
        Some(_) => Caller::Anonymous,
        None => authenticate(&state, &http)
            .await
            .map(|who| who.caller)
            .unwrap_or_default(),
    };
    // A read: from a replica, unless this client has just written.
    let address = state.settings.trusted_proxies.client_address(&http);
    let db = state.reads.for_read(&ClientKey::of(&caller, &address));
    let agenda = match agenda::agenda(&db, event_id, participant_id).await {
        Ok(Some(agenda)) => agenda,
        Ok(None) => return not_found(),
        Err(err) => return failed(err),
    };
    let allowed = match token {
        Some(token) => match agenda::token_opens(&db, participant_id, &token).await {
            Ok(opens) => opens,
            Err(err) => return failed(err),
        },
        None => caller.principal().is_some_and(|p| agenda.seen_by(p)),
    };
    if !allowed {
        return not_found();
    }
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .body(agenda::to_icalendar(&agenda))
}
