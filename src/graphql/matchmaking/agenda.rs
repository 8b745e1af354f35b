//! Agendas in GraphQL: `EventParticipant.agenda` (a participant's scheduled meetings in time
//! order, in UTC and in the event's zone) and the mutations that create and revoke the link to
//! the participant's iCalendar feed.

use std::collections::HashMap;

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::event_participant as participant_row;

use super::{
    event::TYPE_NAME as EVENT,
    meeting::Meeting,
    participant::{EventParticipant, TYPE_NAME as PARTICIPANT},
};
use crate::{
    domain::{
        matchmaking::{
            agenda::{self as domain, AgendaItem},
            event::{slots, zone_of, Session},
        },
        policy,
    },
    error::AppResult,
    graphql::{
        context::{caller, db, list, loaders},
        loaders as l, node,
    },
};

/// One meeting of a participant's agenda.
pub struct AgendaMeeting {
    item: AgendaItem,
    zone: Tz,
}

#[Object]
/// One scheduled meeting on a participant's agenda: whom, where and when.
impl AgendaMeeting {
    /// The meeting.
    async fn meeting(&self) -> Meeting {
        Meeting(self.item.meeting.clone())
    }
    /// The other side.
    async fn other_participant(&self) -> EventParticipant {
        EventParticipant(self.item.other.clone())
    }
    /// The slot (see `MatchmakingEvent.slots`).
    async fn slot(&self) -> i32 {
        self.item.slot.number
    }
    /// The table, numbered from 1 as on the venue's signs (`Meeting.tableNumber` + 1).
    async fn table(&self) -> i32 {
        self.item.table()
    }
    /// When it starts.
    async fn starts_at(&self) -> DateTime<Utc> {
        self.item.slot.starts_at
    }
    /// When it ends.
    async fn ends_at(&self) -> DateTime<Utc> {
        self.item.slot.ends_at
    }
    /// When it starts in the event's time zone, RFC 3339 with the zone's offset, e.g.
    /// `2018-06-05T14:00:00+08:00`.
    async fn local_starts_at(&self) -> String {
        self.item.slot.starts_at.with_timezone(&self.zone).to_rfc3339()
    }
    /// When it ends in the event's time zone, RFC 3339 with the zone's offset.
    async fn local_ends_at(&self) -> String {
        self.item.slot.ends_at.with_timezone(&self.zone).to_rfc3339()
    }
}

/// The agenda of a participant, as its resolver serves it: every list through a DataLoader.
pub(super) async fn agenda_of(
    ctx: &Context<'_>,
    participant: &participant_row::Model,
) -> AppResult<Vec<AgendaMeeting>> {
    let meetings = list(ctx, l::AgendaOf(participant.id)).await?;
    if meetings.is_empty() {
        return Ok(Vec::new());
    }
    let Some(event) = loaders(ctx)
        .load_one(l::MatchmakingEventById(participant.event_id))
        .await?
    else {
        return Ok(Vec::new());
    };
    let sessions: Vec<Session> = list(ctx, l::SessionsOf(event.id))
        .await?
        .iter()
        .map(Session::from)
        .collect();
    let zone = zone_of(&event);
    let slots = slots(zone, event.slot_minutes, &sessions);
    let other_ids = meetings
        .iter()
        .flat_map(|m| [m.from_participant_id, m.to_participant_id])
        .filter(|&id| id != participant.id)
        .map(l::EventParticipantById);
    let others: HashMap<_, _> = loaders(ctx).load_many(other_ids).await?;
    let items = domain::items_of(
        participant.id,
        meetings,
        |id| others.get(&l::EventParticipantById(id)).cloned(),
        &slots,
    );
    Ok(items.into_iter().map(|item| AgendaMeeting { item, zone }).collect())
}

/// The participant whose agenda link to create or revoke.
#[derive(InputObject)]
pub struct AgendaLinkInput {
    /// The participant's global ID.
    pub participant_id: ID,
}

/// A new link to a participant's agenda as iCalendar.
#[derive(SimpleObject)]
pub struct CreateAgendaLinkPayload {
    /// The participant.
    pub participant: EventParticipant,
    /// The link, relative to the API's address: `/events/{eventId}/agenda/{participantId}.ics?token=…`.
    /// Shown this once (only its hash is kept); anyone with it reads the agenda until it is revoked
    /// or replaced by a new one.
    pub url: String,
}

/// The result of revoking a participant's agenda link.
#[derive(SimpleObject)]
pub struct RevokeAgendaLinkPayload {
    /// The participant.
    pub participant: EventParticipant,
    /// Whether there was a link to revoke.
    pub revoked: bool,
}

#[derive(Default)]
pub struct AgendaMutation;

#[Object]
impl AgendaMutation {
    /// Creates a link that opens a participant's agenda as iCalendar without signing in, for a
    /// calendar program to subscribe to; it replaces an earlier link. For those who act for the
    /// participant and the event's organisers.
    async fn create_agenda_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `AgendaLinkInput`.")]
        input: AgendaLinkInput,
    ) -> AppResult<CreateAgendaLinkPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("participantId", &input.participant_id, PARTICIPANT)?;
        let (participant, event, token) = domain::create_link(db(ctx), actor, id).await?;
        let url = format!(
            "/events/{}/agenda/{}.ics?token={token}",
            node::encode(EVENT, event.event.id).as_str(),
            node::encode(PARTICIPANT, id).as_str(),
        );
        Ok(CreateAgendaLinkPayload {
            participant: EventParticipant(participant.participant),
            url,
        })
    }

    /// Revokes a participant's agenda link: its token opens nothing any more.
    async fn revoke_agenda_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `AgendaLinkInput`.")]
        input: AgendaLinkInput,
    ) -> AppResult<RevokeAgendaLinkPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("participantId", &input.participant_id, PARTICIPANT)?;
        let (participant, revoked) = domain::revoke_link(db(ctx), actor, id).await?;
        Ok(RevokeAgendaLinkPayload {
            participant: EventParticipant(participant.participant),
            revoked,
        })
    }
}
