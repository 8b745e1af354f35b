//! Roles and invitations: granting and revoking a role (scoped to clusters or countries), and
//! the invitation a manager sends a colleague, mailed with a link carrying its token and
//! accepted with that token.
//!
//! Grants do not expire; they last until revoked. Revoking one ends the user's outstanding access
//! tokens (the token generation moves on) and the API keys the user made on the strength of it.

use chrono::Utc;
use entity::{cluster, invitation, partner_organisation, user, user_grant};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

use super::{
    expiry, find_user, find_user_by_email, mail_language, normalise_email, own_user, principal_of, INVITATION_TTL,
};
use crate::{
    auth::{secret, Actor, Links, Principal},
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        policy,
        validation::Checker,
    },
    error::{AppError, AppResult},
    mail::{account_mail, enqueue},
};

/// What a grant is about: a platform role, a partner organisation, or one cluster.
#[derive(Debug, Clone, Copy)]
pub enum Grant {
    Admin,
    Partner(Uuid),
    ClusterManager(Uuid),
}

async fn authorize_grant<C: ConnectionTrait>(db: &C, actor: &Principal, grant: Grant) -> AppResult<Option<String>> {
    match grant {
        Grant::Admin => policy::may_grant_platform_role(actor).map(|_| None),
        Grant::Partner(org) => {
            policy::may_grant_platform_role(actor)?;
            if partner_organisation::Entity::find_by_id(org).one(db).await?.is_none() {
                return Err(AppError::NotFound("partnerOrganisationId: partner organisation".into()));
            }
            Ok(None)
        }
        Grant::ClusterManager(id) => {
            let cluster = crate::domain::cluster::existing(db, "clusterId", id).await?;
            policy::may_appoint_manager(actor, &cluster)?;
            Ok(Some(cluster.country))
        }
    }
}

fn grant_condition(user_id: Uuid, grant: Grant) -> sea_orm::Condition {
    let base = sea_orm::Condition::all().add(user_grant::Column::UserId.eq(user_id));
    match grant {
        Grant::Admin => base.add(user_grant::Column::Role.eq(entity::taxonomy::Role::Admin)),
        Grant::Partner(org) => base
            .add(user_grant::Column::Role.eq(entity::taxonomy::Role::Partner))
            .add(user_grant::Column::PartnerOrganisationId.eq(org)),
        Grant::ClusterManager(c) => base
            .add(user_grant::Column::Role.eq(entity::taxonomy::Role::ClusterManager))
            .add(user_grant::Column::ClusterId.eq(c)),
    }
}

pub(super) async fn insert_grant<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    grant: Grant,
    by: Option<Uuid>,
) -> AppResult<()> {
    if user_grant::Entity::find()
        .filter(grant_condition(user_id, grant))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let (role, partner, cluster) = match grant {
        Grant::Admin => (entity::taxonomy::Role::Admin, None, None),
        Grant::Partner(org) => (entity::taxonomy::Role::Partner, Some(org), None),
        Grant::ClusterManager(c) => (entity::taxonomy::Role::ClusterManager, None, Some(c)),
    };
    user_grant::Entity::insert(user_grant::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        role: Set(role),
        partner_organisation_id: Set(partner),
        cluster_id: Set(cluster),
        granted_by_id: Set(by),
        created_at: Set(Utc::now()),
    })
    .exec(db)
    .await?;
    Ok(())
}

fn actor_user(actor: &Principal) -> Option<Uuid> {
    match actor.actor {
        Actor::User(id) => Some(id),
        _ => None,
    }
}

/// Gives a user a role. Takes effect at the user's next sign-in or token refresh.
pub async fn grant<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    user_id: Uuid,
    grant: Grant,
) -> AppResult<user::Model> {
    let txn = crate::db::begin_write(db).await?;
    let user = find_user(&txn, user_id)
        .await?
        .ok_or_else(|| AppError::NotFound("userId: user".into()))?;
    let country = authorize_grant(&txn, actor, grant).await?;
    insert_grant(&txn, user_id, grant, actor_user(actor)).await?;
    let entry = Entry {
        entity_type: AuditEntityType::User,
        entity_id: user_id,
        action: AuditAction::GrantRole,
        changed_fields: vec!["roles"],
        country,
    };
    audit::record(&txn, actor, entry).await?;
    txn.commit().await?;
    Ok(user)
}

pub async fn revoke<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    user_id: Uuid,
    grant: Grant,
) -> AppResult<user::Model> {
    let txn = crate::db::begin_write(db).await?;
    let user = find_user(&txn, user_id)
        .await?
        .ok_or_else(|| AppError::NotFound("userId: user".into()))?;
    let country = authorize_grant(&txn, actor, grant).await?;
    let result = user_grant::Entity::delete_many()
        .filter(grant_condition(user_id, grant))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::NotFound("the user does not hold this role".into()));
    }
    // Tokens carry the role they were issued with: a newer generation ends them, and a refresh
    // issues one with what is left.
    super::revocation::end_access_tokens(&txn, user_id).await?;
    let remaining = principal_of(&txn, &user).await?;
    crate::domain::api_key::revoke_beyond_authority(&txn, actor, &remaining).await?;
    let entry = Entry {
        entity_type: AuditEntityType::User,
        entity_id: user_id,
        action: AuditAction::RevokeRole,
        changed_fields: vec!["roles"],
        country,
    };
    audit::record(&txn, actor, entry).await?;
    txn.commit().await?;
    Ok(user)
}

/// Invites a colleague by e-mail to manage a cluster. The token travels only in the mail's link;
/// only its hash is kept. The mail is in the language of the colleague's account, if there is one.
pub async fn invite<C: TransactionTrait>(
    db: &C,
    links: &Links,
    actor: &Principal,
    cluster_id: Uuid,
    email: &str,
) -> AppResult<invitation::Model> {
    let mut check = Checker::new();
    let email = normalise_email(&mut check, "email", email);
    check.finish()?;
    let txn = crate::db::begin_write(db).await?;
    let cluster = crate::domain::cluster::existing(&txn, "clusterId", cluster_id).await?;
    policy::may_edit_cluster(actor, &cluster)?;
    let token = secret::generate();
    let model = invitation::Entity::insert(invitation::ActiveModel {
        id: Set(Uuid::now_v7()),
        cluster_id: Set(cluster_id),
        email: Set(email),
        token_hash: Set(secret::digest(&token)),
        invited_by_id: Set(actor_user(actor)),
        expires_at: Set(expiry(INVITATION_TTL)),
        accepted_at: Set(None),
        created_at: Set(Utc::now()),
    })
    .exec_with_returning(&txn)
    .await?;
    let entry = Entry {
        entity_type: AuditEntityType::Invitation,
        entity_id: model.id,
        action: AuditAction::Invite,
        changed_fields: vec!["email", "clusterId"],
        country: Some(cluster.country.clone()),
    };
    audit::record(&txn, actor, entry).await?;
    let language = match find_user_by_email(&txn, &model.email).await? {
        Some(colleague) => mail_language(&colleague),
        None => account_mail::MailLanguage::English,
    };
    let mail = account_mail::invitation(
        links,
        language,
        &account_mail::Invitation {
            id: model.id,
            recipient: &model.email,
            cluster: &cluster.name,
            token: &token,
            expires_at: model.expires_at,
        },
    )?;
    enqueue(&txn, mail).await?;
    txn.commit().await?;
    Ok(model)
}

/// The invited person, signed in with the invited address, becomes a manager of the cluster.
pub async fn accept_invitation<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    token: &str,
) -> AppResult<cluster::Model> {
    let user_id = own_user(actor)?;
    let txn = crate::db::begin_write(db).await?;
    let invitation = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(secret::digest(token)))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("token: invitation".into()))?;
    if invitation.accepted_at.is_some() {
        return Err(AppError::Conflict("the invitation has been accepted already".into()));
    }
    if invitation.expires_at < Utc::now() {
        return Err(AppError::Conflict(
            "the invitation has expired; ask for a new one".into(),
        ));
    }
    let user = find_user(&txn, user_id)
        .await?
        .ok_or_else(|| AppError::Unauthenticated("no such account".into()))?;
    if user.email != invitation.email {
        return Err(AppError::Forbidden(
            "the invitation was sent to another e-mail address".into(),
        ));
    }
    let cluster = crate::domain::cluster::existing(&txn, "clusterId", invitation.cluster_id).await?;
    insert_grant(
        &txn,
        user_id,
        Grant::ClusterManager(cluster.id),
        invitation.invited_by_id,
    )
    .await?;
    invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(Some(Utc::now())))
        .filter(invitation::Column::Id.eq(invitation.id))
        .exec(&txn)
        .await?;
    // The token came by mail to this address (checked above), which proves the address.
    user::Entity::update_many()
        .col_expr(user::Column::EmailVerifiedAt, Expr::value(Some(Utc::now())))
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::EmailVerifiedAt.is_null())
        .exec(&txn)
        .await?;
    let entry = Entry {
        entity_type: AuditEntityType::Invitation,
        entity_id: invitation.id,
        action: AuditAction::Accept,
        changed_fields: vec!["acceptedAt"],
        country: Some(cluster.country.clone()),
    };
    audit::record(&txn, actor, entry).await?;
    txn.commit().await?;
    Ok(cluster)
}

/// The invitations of `ids` the actor may see: those it sent, and those to clusters it may
/// invite managers to, as [`invite`] decides (`node`).
pub async fn visible_invitations<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    ids: &[Uuid],
) -> AppResult<Vec<invitation::Model>> {
    let invitations = invitation::Entity::find()
        .filter(invitation::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let clusters = cluster::Entity::find()
        .filter(cluster::Column::Id.is_in(invitations.iter().map(|i| i.cluster_id)))
        .all(db)
        .await?;
    let own = policy::user_of(actor);
    Ok(invitations
        .into_iter()
        .filter(|i| {
            (own.is_some() && i.invited_by_id == own)
                || clusters
                    .iter()
                    .find(|c| c.id == i.cluster_id)
                    .is_some_and(|c| policy::may_edit_cluster(actor, c).is_ok())
        })
        .collect())
}
