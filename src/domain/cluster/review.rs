//! The review workflow of a profile: DRAFT → NEEDS_REVIEW → PUBLISHED, or back to DRAFT with a
//! reason; publication checks the platform's rules unless the reviewer waives them.

use entity::{cluster, taxonomy::ClusterStatus};
use sea_orm::{ActiveValue::Set, TransactionSession, TransactionTrait};
use uuid::Uuid;

use super::storage::load_profile;
use crate::{
    auth::Principal,
    domain::{
        audit,
        audit::{AuditAction, AuditEntityType, Entry},
        policy, version,
    },
    error::{AppError, AppResult},
};

/// Moves a profile along its review workflow.
#[derive(Debug, Clone)]
pub enum Review {
    /// DRAFT → NEEDS_REVIEW, by anyone who may edit the profile.
    Submit,
    /// NEEDS_REVIEW → PUBLISHED, by its partner or an administrator; the platform's rules apply
    /// unless the reviewer waives them, giving a reason.
    Publish { waiver: Option<String> },
    /// NEEDS_REVIEW → DRAFT, with the reason the managers will read.
    Reject { reason: String },
}

pub async fn review<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    step: Review,
) -> AppResult<cluster::Model> {
    let reason_of = |field: &str, text: &str| {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 2000 {
            Err(AppError::bad_field(field, "give a reason of 1–2000 characters"))
        } else {
            Ok(text.to_owned())
        }
    };
    let txn = crate::db::begin_write(db).await?;
    let current = version::locked::<cluster::Entity, _>(&txn, id, Some(expected_version), |c| match &step {
        Review::Submit => policy::may_edit_cluster(actor, c),
        Review::Publish { .. } | Review::Reject { .. } => policy::may_review_cluster(actor, c),
    })
    .await?;
    let (from, to, action) = match &step {
        Review::Submit => (
            ClusterStatus::Draft,
            ClusterStatus::NeedsReview,
            AuditAction::SubmitForReview,
        ),
        Review::Publish { .. } => (
            ClusterStatus::NeedsReview,
            ClusterStatus::Published,
            AuditAction::Publish,
        ),
        Review::Reject { .. } => (ClusterStatus::NeedsReview, ClusterStatus::Draft, AuditAction::Reject),
    };
    if current.status != from {
        return Err(AppError::Conflict(format!(
            "the profile is {:?}; this step needs it to be {:?}",
            current.status, from
        )));
    }
    let note = match &step {
        Review::Submit => None,
        Review::Publish { waiver: Some(reason) } => Some(reason_of("waiverReason", reason)?),
        Review::Publish { waiver: None } => {
            let problems = load_profile(&txn, &current).await?.publication_problems();
            if !problems.is_empty() {
                return Err(AppError::BadUserInput {
                    message: "the profile does not meet the publication rules; fix it or waive them with a reason"
                        .into(),
                    fields: problems,
                });
            }
            None
        }
        Review::Reject { reason } => Some(reason_of("reason", reason)?),
    };
    let row = cluster::ActiveModel {
        status: Set(to),
        review_note: Set(note),
        ..Default::default()
    };
    let model = version::save::<cluster::Entity, _>(&txn, id, expected_version, row).await?;
    let entry = Entry::about(
        AuditEntityType::Cluster,
        id,
        action,
        vec!["status"],
        std::slice::from_ref(&model),
    );
    audit::record(&txn, actor, entry).await?;
    if to == ClusterStatus::Published {
        use crate::webhook::{event, EventType};
        event::raise(&txn, event::cluster_event(EventType::ClusterPublished, &model)).await?;
    }
    txn.commit().await?;
    Ok(model)
}
