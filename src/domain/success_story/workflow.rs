//! A success story's way to publication: its editors (of a cluster that confirmed it) SUBMIT
//! a DRAFT; a moderator (the partner of a named cluster's country, or an administrator)
//! PUBLISHes a submitted story, or returns a submitted or published one to DRAFT with a note
//! its author and editors read. Each step checks the caller, then the status, then the
//! version, and is audited in the transaction that makes it.

use chrono::Utc;
use entity::{success_story, taxonomy::SuccessStoryStatus as Status};
use sea_orm::{ActiveValue::Set, TransactionSession, TransactionTrait};
use uuid::Uuid;

use super::{load, status_code};
use crate::{
    auth::Principal,
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        policy,
        post::check_reason,
        version::{self, stale},
    },
    error::{AppResult, Refusal},
};

/// A step of the workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Submit,
    Publish,
    /// Back to DRAFT, with the moderator's reason.
    Return(String),
}

impl Step {
    /// The statuses the step leaves from, and why others are refused.
    fn from(&self) -> (&'static [Status], &'static str, &'static str) {
        match self {
            Step::Submit => (&[Status::Draft], "submitted", "only a DRAFT is submitted"),
            Step::Publish => (
                &[Status::Submitted],
                "published",
                "only a SUBMITTED story is published; its editors submit it first",
            ),
            Step::Return(_) => (
                &[Status::Submitted, Status::Published],
                "returned",
                "only a SUBMITTED or PUBLISHED story is returned to its editors",
            ),
        }
    }
}

/// Takes `step` on story `id` at the version the caller read.
pub async fn advance<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    mut step: Step,
) -> AppResult<success_story::Model> {
    if let Step::Return(reason) = &mut step {
        check_reason(reason)?;
    }
    let txn = crate::db::begin_write(db).await?;
    let stored = load(&txn, id).await?;
    match step {
        // Only the editors of a cluster that agreed to the story speak for it.
        Step::Submit => policy::may_edit_success_story(actor, &stored.confirmed())?,
        Step::Publish | Step::Return(_) => policy::may_moderate_success_story(actor, &stored.clusters(false))?,
    }
    let current = &stored.current;
    let (from, action, why) = step.from();
    if !from.contains(&current.status) {
        return Err(Refusal::TransitionNotAllowed {
            what: "success story",
            from: status_code(current.status),
            action,
            why,
        }
        .into());
    }
    if current.version != expected_version {
        return Err(stale(current.version, expected_version));
    }
    let now = Utc::now();
    let (columns, audit_action, fields) = match step {
        Step::Submit => (
            success_story::ActiveModel {
                status: Set(Status::Submitted),
                submitted_at: Set(Some(now)),
                ..Default::default()
            },
            AuditAction::SubmitForReview,
            vec!["status", "submittedAt"],
        ),
        Step::Publish => (
            success_story::ActiveModel {
                status: Set(Status::Published),
                // Put back up, a story keeps the moment it was first published: the weekly
                // digest announces it once.
                published_at: Set(Some(current.published_at.unwrap_or(now))),
                published_by: Set(policy::user_of(actor)),
                moderation_note: Set(None),
                ..Default::default()
            },
            AuditAction::Publish,
            vec!["status", "publishedAt", "moderationNote"],
        ),
        Step::Return(reason) => (
            success_story::ActiveModel {
                status: Set(Status::Draft),
                moderation_note: Set(Some(reason)),
                ..Default::default()
            },
            AuditAction::Reject,
            vec!["status", "moderationNote"],
        ),
    };
    let model = version::save::<success_story::Entity, _>(&txn, id, expected_version, columns).await?;
    audit::record(
        &txn,
        actor,
        Entry::about(
            AuditEntityType::SuccessStory,
            id,
            audit_action,
            fields,
            &stored.clusters(false),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}
