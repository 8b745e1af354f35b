//! `MeetingOutcome` in GraphQL: what came of a held meeting, its loader (one statement for every
//! meeting of a page), and `recordMeetingOutcome`.

use std::collections::HashMap;

use async_graphql::{dataloader::Loader, Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::meeting_outcome as row;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::meeting::{Meeting, TYPE_NAME as MEETING};
use crate::{
    domain::{
        matchmaking::meeting::{self as domain, OutcomeRecord},
        policy,
    },
    error::{AppError, AppResult},
    graphql::{
        context::{caller, db, loaders},
        loaders::{Loaders, MeetingById},
        node,
        scalars::Date,
    },
};

/// What came of a meeting, from nothing to a joint project.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::taxonomy::MeetingOutcomeKind")]
pub enum MeetingOutcomeKind {
    /// Nothing further.
    None,
    /// The two sides met again or keep talking.
    FollowUp,
    /// A letter of interest was exchanged.
    LetterOfInterest,
    /// A memorandum of understanding was signed.
    Mou,
    /// The two sides run a project together.
    JointProject,
}

/// The outcome of one meeting: the key of its loader is the meeting's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OutcomeOfMeeting(pub Uuid);

impl Loader<OutcomeOfMeeting> for Loaders {
    type Value = row::Model;
    type Error = AppError;

    async fn load(&self, keys: &[OutcomeOfMeeting]) -> Result<HashMap<OutcomeOfMeeting, row::Model>, AppError> {
        // Only the meeting's resolver asks, and it runs for those who may see the meeting.
        let rows = row::Entity::find()
            .filter(row::Column::MeetingId.is_in(keys.iter().map(|k| k.0)))
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(|m| (OutcomeOfMeeting(m.meeting_id), m)).collect())
    }
}

#[derive(Clone)]
pub struct MeetingOutcome(pub row::Model);

#[Object]
/// What came of a held meeting, recorded after the event by either side or an organiser.
impl MeetingOutcome {
    /// What came of it.
    async fn kind(&self) -> MeetingOutcomeKind {
        self.0.kind.into()
    }
    /// What the sides agreed, in a few words.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// When it came about, in the event's calendar.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }
    /// The meeting it came of.
    async fn meeting(&self, ctx: &Context<'_>) -> AppResult<Option<Meeting>> {
        Ok(loaders(ctx)
            .load_one(MeetingById(self.0.meeting_id))
            .await?
            .map(Meeting))
    }
    /// Send it back with a change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was first recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// The outcome of a meeting, recorded or changed.
#[derive(InputObject)]
pub struct RecordMeetingOutcomeInput {
    /// The meeting's global ID.
    pub meeting_id: ID,
    /// What came of it.
    pub kind: MeetingOutcomeKind,
    /// What the sides agreed; at most 2,000 characters.
    pub note: Option<String>,
    /// When it came about: not in the future, not before the event.
    pub date: Date,
    /// The outcome's version, to change one recorded before; leave it out the first time.
    pub version: Option<i32>,
}

/// The result of `recordMeetingOutcome`.
#[derive(SimpleObject)]
pub struct RecordMeetingOutcomePayload {
    /// The outcome as it is now.
    pub outcome: MeetingOutcome,
}

#[derive(Default)]
pub struct OutcomeMutation;

#[Object]
impl OutcomeMutation {
    /// Records what came of a meeting of a FINISHED event (EVENT_NOT_FINISHED otherwise) that
    /// took place: accepted and scheduled (MEETING_NOT_HELD otherwise). For those who act for
    /// either side and the organisers. Without `version` it records the first outcome (CONFLICT
    /// when one exists); with it, it changes that one (CONFLICT when stale).
    async fn record_meeting_outcome(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `RecordMeetingOutcomeInput`.")]
        input: RecordMeetingOutcomeInput,
    ) -> AppResult<RecordMeetingOutcomePayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let record = OutcomeRecord {
            meeting_id: node::decode("meetingId", &input.meeting_id, MEETING)?,
            kind: input.kind.into(),
            note: input.note,
            date: input.date.0,
            version: input.version,
        };
        let model = domain::record_outcome(db(ctx), actor, record).await?;
        Ok(RecordMeetingOutcomePayload {
            outcome: MeetingOutcome(model),
        })
    }
}
