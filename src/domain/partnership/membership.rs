//! Seats in a partnership: who governs it, and the changes of seats (a cluster added, removed,
//! or answering its invitation), each of which moves the partnership's version on.

use chrono::Utc;
use entity::{
    cluster, partnership, partnership_member,
    taxonomy::{InvitationState, PartnershipRole},
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

use super::Seat;
use crate::{
    auth::Principal,
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        policy, version,
    },
    error::{AppError, AppResult},
};

/// Pending invitations one partnership may hold, and one inviting cluster may have out across
/// all partnerships: an invitation costs the invited cluster's editors attention, so nobody may
/// send them in bulk. Answered ones (accepted or declined) no longer count.
pub const PENDING_PER_PARTNERSHIP: u64 = 20;
pub const PENDING_PER_INVITER: u64 = 50;

/// Refuses `new` more pending invitations when the partnership or the inviting cluster would
/// go over its cap.
pub(super) async fn check_pending<C: ConnectionTrait>(
    db: &C,
    partnership_id: Option<Uuid>,
    inviter: Option<Uuid>,
    new: u64,
) -> AppResult<()> {
    if new == 0 {
        return Ok(());
    }
    let pending = || {
        partnership_member::Entity::find()
            .filter(partnership_member::Column::InvitationState.eq(InvitationState::Invited))
    };
    if let Some(id) = partnership_id {
        let held = pending()
            .filter(partnership_member::Column::PartnershipId.eq(id))
            .count(db)
            .await?;
        if held + new > PENDING_PER_PARTNERSHIP {
            return Err(AppError::Conflict(format!(
                "a partnership holds at most {PENDING_PER_PARTNERSHIP} pending invitations; wait for answers first"
            )));
        }
    }
    if let Some(inviter) = inviter {
        let sent = pending()
            .filter(partnership_member::Column::InvitedBy.eq(inviter))
            .count(db)
            .await?;
        if sent + new > PENDING_PER_INVITER {
            return Err(AppError::Conflict(format!(
                "a cluster may have at most {PENDING_PER_INVITER} pending invitations out; wait for answers first"
            )));
        }
    }
    Ok(())
}

/// The clusters whose editors govern a partnership: its coordinator, or every member while it
/// has none. Only accepted seats count: a cluster others added has no say until its own editors
/// accept, and one that declined has none at all.
pub(super) async fn governing<C: ConnectionTrait>(db: &C, partnership_id: Uuid) -> AppResult<Vec<cluster::Model>> {
    let seats = partnership_member::Entity::find()
        .filter(partnership_member::Column::PartnershipId.eq(partnership_id))
        .filter(partnership_member::Column::InvitationState.eq(InvitationState::Accepted))
        .find_also_related(cluster::Entity)
        .all(db)
        .await?;
    let has_coordinator = seats.iter().any(|(s, _)| s.role == PartnershipRole::Coordinator);
    Ok(seats
        .into_iter()
        .filter(|(s, _)| !has_coordinator || s.role == PartnershipRole::Coordinator)
        .filter_map(|(_, c)| c)
        .collect())
}

/// The partnership a change of seats is about, which must exist.
async fn seated_in<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<partnership::Model> {
    version::locked::<partnership::Entity, _>(db, id, None, |_| Ok(()))
        .await
        .map_err(|err| match err {
            AppError::NotFound(_) => AppError::NotFound("partnershipId: partnership".into()),
            other => other,
        })
}

/// Gives a cluster a seat. An administrator sets the invitation state; the coordinator's editors
/// invite (the seat is taken at once when they also edit the joining cluster).
pub async fn add_member<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    partnership_id: Uuid,
    seat: Seat,
    state: InvitationState,
) -> AppResult<partnership::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = seated_in(&txn, partnership_id).await?;
    let joining = crate::domain::cluster::existing(&txn, "clusterId", seat.cluster_id).await?;
    let governing = governing(&txn, partnership_id).await?;
    policy::may_edit_partnership(actor, &governing)?;
    let state = if actor.is_admin() {
        state
    } else if policy::may_edit_cluster(actor, &joining).is_ok() {
        InvitationState::Accepted
    } else {
        InvitationState::Invited
    };
    // The governing cluster the caller acts for; an administrator acts for none.
    let inviter = (!actor.is_admin() && state == InvitationState::Invited)
        .then(|| governing.iter().find(|c| policy::may_edit_cluster(actor, c).is_ok()))
        .flatten()
        .map(|c| c.id);
    if state == InvitationState::Invited {
        check_pending(&txn, Some(partnership_id), inviter, 1).await?;
    }
    let existing = partnership_member::Entity::find()
        .filter(partnership_member::Column::PartnershipId.eq(partnership_id))
        .all(&txn)
        .await?;
    if existing.iter().any(|m| m.cluster_id == seat.cluster_id) {
        return Err(AppError::Conflict(
            "clusterId: the cluster is already a member of this partnership".into(),
        ));
    }
    if seat.role == PartnershipRole::Coordinator && existing.iter().any(|m| m.role == PartnershipRole::Coordinator) {
        return Err(AppError::Conflict(
            "role: the partnership already has a coordinator".into(),
        ));
    }
    partnership_member::Entity::insert(partnership_member::ActiveModel {
        partnership_id: Set(partnership_id),
        cluster_id: Set(seat.cluster_id),
        role: Set(seat.role),
        invitation_state: Set(state),
        joined_at: Set(Utc::now()),
        invited_by: Set(inviter),
    })
    .exec(&txn)
    .await?;
    let model = bump(&txn, current).await?;
    audit::record(
        &txn,
        actor,
        Entry::about(
            AuditEntityType::Partnership,
            partnership_id,
            AuditAction::AddMember,
            vec!["members"],
            &governing,
        ),
    )
    .await?;
    if state == InvitationState::Accepted {
        crate::webhook::event::partnership_joined(&txn, partnership_id, &joining).await?;
    }
    txn.commit().await?;
    Ok(model)
}

/// Takes a cluster's seat away: the coordinator's editors may, and so may the leaving cluster's.
pub async fn remove_member<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    partnership_id: Uuid,
    cluster_id: Uuid,
) -> AppResult<partnership::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = seated_in(&txn, partnership_id).await?;
    let leaving = crate::domain::cluster::existing(&txn, "clusterId", cluster_id).await?;
    let governing = governing(&txn, partnership_id).await?;
    if policy::may_edit_cluster(actor, &leaving).is_err() {
        policy::may_edit_partnership(actor, &governing)?;
    }
    let result = partnership_member::Entity::delete_many()
        .filter(partnership_member::Column::PartnershipId.eq(partnership_id))
        .filter(partnership_member::Column::ClusterId.eq(cluster_id))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::NotFound("clusterId: member of this partnership".into()));
    }
    let model = bump(&txn, current).await?;
    audit::record(
        &txn,
        actor,
        Entry::about(
            AuditEntityType::Partnership,
            partnership_id,
            AuditAction::RemoveMember,
            vec!["members"],
            &governing,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// An invited cluster's editors accept or decline its seat.
pub async fn respond_to_invitation<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    partnership_id: Uuid,
    cluster_id: Uuid,
    accept: bool,
) -> AppResult<partnership::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = seated_in(&txn, partnership_id).await?;
    let invited = crate::domain::cluster::existing(&txn, "clusterId", cluster_id).await?;
    policy::may_edit_cluster(actor, &invited)?;
    let seat = partnership_member::Entity::find_by_id((partnership_id, cluster_id))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("clusterId: invitation to this partnership".into()))?;
    if seat.invitation_state != InvitationState::Invited {
        return Err(AppError::Conflict("the invitation has been answered already".into()));
    }
    let state = if accept {
        InvitationState::Accepted
    } else {
        InvitationState::Declined
    };
    partnership_member::Entity::update_many()
        .set(partnership_member::ActiveModel {
            invitation_state: Set(state),
            ..Default::default()
        })
        .filter(partnership_member::Column::PartnershipId.eq(partnership_id))
        .filter(partnership_member::Column::ClusterId.eq(cluster_id))
        .exec(&txn)
        .await?;
    let model = bump(&txn, current).await?;
    let governing = governing(&txn, partnership_id).await?;
    let action = if accept {
        AuditAction::AcceptInvitation
    } else {
        AuditAction::DeclineInvitation
    };
    audit::record(
        &txn,
        actor,
        Entry::about(
            AuditEntityType::Partnership,
            partnership_id,
            action,
            vec!["members"],
            &governing,
        ),
    )
    .await?;
    if accept {
        crate::webhook::event::partnership_joined(&txn, partnership_id, &invited).await?;
    }
    txn.commit().await?;
    Ok(model)
}

/// Moves the version on after a change of seats, which other writers must see.
async fn bump<C: ConnectionTrait>(db: &C, current: partnership::Model) -> AppResult<partnership::Model> {
    version::save::<partnership::Entity, _>(db, current.id, current.version, Default::default()).await
}
