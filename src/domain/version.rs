//! Optimistic locking for the records clients edit by version (clusters, partnerships, stories,
//! matchmaking events, participants, meetings and posts):
//! sea-orm has none, so a write reads the record under the version the client read, and the
//! UPDATE's WHERE checks that version again to catch a writer that slipped in between.

use chrono::Utc;
use entity::{
    cluster, digest_subscriber, event_participant, matchmaking_event, meeting, meeting_outcome, outbox_mail,
    partnership, post, success_story,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// A table whose rows carry an `id`, a `version` and an `updated_at`.
pub trait Versioned: EntityTrait {
    /// What a NOT_FOUND calls a missing row.
    const NAME: &'static str;
    const ID: Self::Column;
    const VERSION: Self::Column;
    const UPDATED_AT: Self::Column;

    fn version_of(model: &Self::Model) -> i32;
}

impl Versioned for cluster::Entity {
    const NAME: &'static str = "cluster";
    const ID: cluster::Column = cluster::Column::Id;
    const VERSION: cluster::Column = cluster::Column::Version;
    const UPDATED_AT: cluster::Column = cluster::Column::UpdatedAt;

    fn version_of(model: &cluster::Model) -> i32 {
        model.version
    }
}

impl Versioned for partnership::Entity {
    const NAME: &'static str = "partnership";
    const ID: partnership::Column = partnership::Column::Id;
    const VERSION: partnership::Column = partnership::Column::Version;
    const UPDATED_AT: partnership::Column = partnership::Column::UpdatedAt;

    fn version_of(model: &partnership::Model) -> i32 {
        model.version
    }
}

impl Versioned for success_story::Entity {
    const NAME: &'static str = "success story";
    const ID: success_story::Column = success_story::Column::Id;
    const VERSION: success_story::Column = success_story::Column::Version;
    const UPDATED_AT: success_story::Column = success_story::Column::UpdatedAt;

    fn version_of(model: &success_story::Model) -> i32 {
        model.version
    }
}

impl Versioned for matchmaking_event::Entity {
    const NAME: &'static str = "matchmaking event";
    const ID: matchmaking_event::Column = matchmaking_event::Column::Id;
    const VERSION: matchmaking_event::Column = matchmaking_event::Column::Version;
    const UPDATED_AT: matchmaking_event::Column = matchmaking_event::Column::UpdatedAt;

    fn version_of(model: &matchmaking_event::Model) -> i32 {
        model.version
    }
}

impl Versioned for event_participant::Entity {
    const NAME: &'static str = "participant";
    const ID: event_participant::Column = event_participant::Column::Id;
    const VERSION: event_participant::Column = event_participant::Column::Version;
    const UPDATED_AT: event_participant::Column = event_participant::Column::UpdatedAt;

    fn version_of(model: &event_participant::Model) -> i32 {
        model.version
    }
}

impl Versioned for meeting::Entity {
    const NAME: &'static str = "meeting";
    const ID: meeting::Column = meeting::Column::Id;
    const VERSION: meeting::Column = meeting::Column::Version;
    const UPDATED_AT: meeting::Column = meeting::Column::UpdatedAt;

    fn version_of(model: &meeting::Model) -> i32 {
        model.version
    }
}

impl Versioned for meeting_outcome::Entity {
    const NAME: &'static str = "meeting outcome";
    const ID: meeting_outcome::Column = meeting_outcome::Column::Id;
    const VERSION: meeting_outcome::Column = meeting_outcome::Column::Version;
    const UPDATED_AT: meeting_outcome::Column = meeting_outcome::Column::UpdatedAt;

    fn version_of(model: &meeting_outcome::Model) -> i32 {
        model.version
    }
}

impl Versioned for post::Entity {
    const NAME: &'static str = "post";
    const ID: post::Column = post::Column::Id;
    const VERSION: post::Column = post::Column::Version;
    const UPDATED_AT: post::Column = post::Column::UpdatedAt;

    fn version_of(model: &post::Model) -> i32 {
        model.version
    }
}

impl Versioned for outbox_mail::Entity {
    const NAME: &'static str = "mail";
    const ID: outbox_mail::Column = outbox_mail::Column::Id;
    const VERSION: outbox_mail::Column = outbox_mail::Column::Version;
    const UPDATED_AT: outbox_mail::Column = outbox_mail::Column::UpdatedAt;

    fn version_of(model: &outbox_mail::Model) -> i32 {
        model.version
    }
}

impl Versioned for digest_subscriber::Entity {
    const NAME: &'static str = "digest subscriber";
    const ID: digest_subscriber::Column = digest_subscriber::Column::Id;
    const VERSION: digest_subscriber::Column = digest_subscriber::Column::Version;
    const UPDATED_AT: digest_subscriber::Column = digest_subscriber::Column::UpdatedAt;

    fn version_of(model: &digest_subscriber::Model) -> i32 {
        model.version
    }
}

/// The CONFLICT of a write whose version is no longer the record's.
pub(crate) fn stale(current: i32, expected: i32) -> AppError {
    AppError::Conflict(format!(
        "version {expected} is stale: the record is now at version {current}; read it again and reapply your change"
    ))
}

/// Loads a record for a write: NOT_FOUND when it is missing, then whatever `authorize` refuses,
/// then CONFLICT when `expected_version` (if given) is not the record's.
pub(crate) async fn locked<E: Versioned, C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    expected_version: Option<i32>,
    authorize: impl FnOnce(&E::Model) -> AppResult<()>,
) -> AppResult<E::Model> {
    let current = E::find()
        .filter(E::ID.eq(id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(E::NAME.into()))?;
    // Permission before version: a refused caller learns nothing about the record's history.
    authorize(&current)?;
    match expected_version {
        Some(expected) if expected != E::version_of(&current) => Err(stale(E::version_of(&current), expected)),
        _ => Ok(current),
    }
}

/// Writes `row` and moves the version on, if the version is still the one read; the version in
/// the WHERE clause catches a writer that slipped in after our read. Returns the row as stored.
pub(crate) async fn save<E: Versioned, C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    expected_version: i32,
    mut row: E::ActiveModel,
) -> AppResult<E::Model> {
    row.try_set(E::VERSION, (expected_version + 1).into())?;
    row.try_set(E::UPDATED_AT, Utc::now().into())?;
    let result = E::update_many()
        .set(row)
        .filter(E::ID.eq(id))
        .filter(E::VERSION.eq(expected_version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Err(stale(expected_version + 1, expected_version));
    }
    E::find().filter(E::ID.eq(id)).one(db).await?.ok_or_else(|| {
        AppError::internal(format!(
            "{} {id} was updated to version {} but cannot be read back in the same transaction",
            E::NAME,
            expected_version + 1
        ))
    })
}
