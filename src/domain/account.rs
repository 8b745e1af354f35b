//! Accounts: registration, sessions with rotating refresh tokens, roles and invitations.

use std::time::Duration;

use chrono::Utc;
use entity::{
    cluster, invitation, partner_organisation, partner_organisation_country, refresh_token, user, user_grant,
};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

use super::{
    audit::{self, Entry},
    policy,
    validation::{Checker, NAME_MAX},
};
use crate::{
    auth::{password, secret, Actor, Principal, Role, TokenService},
    error::{AppError, AppResult},
};

pub const REFRESH_TTL: Duration = Duration::from_secs(30 * 86_400);
pub const INVITATION_TTL: Duration = Duration::from_secs(7 * 86_400);

/// What a successful sign-in hands out.
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
    pub user: user::Model,
}

fn normalise_email(check: &mut Checker, field: &str, email: &str) -> String {
    let mut value = Some(email.trim().to_lowercase());
    check.optional_email(field, &mut value);
    match value {
        Some(v) => v,
        None => {
            check.fail(field, "must not be empty");
            String::new()
        }
    }
}

fn expiry(ttl: Duration) -> chrono::DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::days(1))
}

pub async fn register<C: TransactionTrait>(
    db: &C,
    email: &str,
    display_name: &str,
    new_password: &str,
) -> AppResult<user::Model> {
    let mut check = Checker::new();
    let email = normalise_email(&mut check, "email", email);
    let mut display_name = display_name.to_owned();
    check.name("displayName", &mut display_name, NAME_MAX);
    if let Some(why) = password::weakness(new_password) {
        check.fail("password", why);
    }
    check.finish()?;
    let txn = db.begin().await?;
    if user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(
            "email: an account with this e-mail address exists".into(),
        ));
    }
    let now = Utc::now();
    let row = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email),
        display_name: Set(display_name),
        password_hash: Set(password::hash(new_password)?),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let model = user::Entity::insert(row).exec_with_returning(&txn).await?;
    txn.commit().await?;
    Ok(model)
}

pub async fn find_user<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find_by_id(id).one(db).await?)
}

pub async fn find_user_by_email<C: ConnectionTrait>(db: &C, email: &str) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?)
}

/// The grants of a user, folded into one principal: the highest role and the union of scopes.
pub async fn principal_of<C: ConnectionTrait>(db: &C, user: &user::Model) -> AppResult<Principal> {
    let grants = user_grant::Entity::find()
        .filter(user_grant::Column::UserId.eq(user.id))
        .all(db)
        .await?;
    let role = grants.iter().map(|g| Role::from(g.role)).max().unwrap_or(Role::User);
    let partner_organisations: Vec<Uuid> = grants.iter().filter_map(|g| g.partner_organisation_id).collect();
    let mut countries: Vec<String> = partner_organisation_country::Entity::find()
        .filter(partner_organisation_country::Column::PartnerOrganisationId.is_in(partner_organisations.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.country)
        .collect();
    countries.sort();
    countries.dedup();
    let clusters = grants.iter().filter_map(|g| g.cluster_id).collect();
    Ok(Principal {
        subject: user.id.to_string(),
        actor: Actor::User(user.id),
        role,
        countries,
        clusters,
        partner_organisations,
    })
}

async fn start_session<C: ConnectionTrait>(
    db: &C,
    tokens: &TokenService,
    user: user::Model,
    family_id: Uuid,
) -> AppResult<Session> {
    let principal = principal_of(db, &user).await?;
    let refresh = secret::generate();
    refresh_token::Entity::insert(refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        family_id: Set(family_id),
        token_hash: Set(secret::digest(&refresh)),
        expires_at: Set(expiry(REFRESH_TTL)),
        created_at: Set(Utc::now()),
        rotated_at: Set(None),
        revoked_at: Set(None),
    })
    .exec(db)
    .await?;
    Ok(Session {
        access_token: tokens.issue(&principal, tokens.access_ttl)?,
        refresh_token: refresh,
        expires_in: tokens.access_ttl.as_secs(),
        user,
    })
}

pub async fn login<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    tokens: &TokenService,
    email: &str,
    pass: &str,
) -> AppResult<Session> {
    let wrong = || AppError::Unauthenticated("wrong e-mail address or password".into());
    let Some(user) = find_user_by_email(db, email).await? else {
        password::verify_nothing(pass);
        return Err(wrong());
    };
    if !password::verify(pass, &user.password_hash) {
        return Err(wrong());
    }
    let txn = db.begin().await?;
    let session = start_session(&txn, tokens, user, Uuid::now_v7()).await?;
    txn.commit().await?;
    Ok(session)
}

async fn revoke_family<C: ConnectionTrait>(db: &C, family_id: Uuid) -> AppResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Some(Utc::now())))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Exchanges a refresh token for a new pair. The old token stops working; presenting a token
/// that was already exchanged means it leaked, so the whole family is revoked.
pub async fn refresh<C: TransactionTrait>(db: &C, tokens: &TokenService, presented: &str) -> AppResult<Session> {
    let refused = |why: &str| AppError::Unauthenticated(format!("refresh token {why}; sign in again"));
    let txn = db.begin().await?;
    let Some(row) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(secret::digest(presented)))
        .one(&txn)
        .await?
    else {
        return Err(refused("unknown"));
    };
    if row.revoked_at.is_some() {
        return Err(refused("revoked"));
    }
    // Marking it used only if nobody else did closes the race between two refreshes.
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RotatedAt, Expr::value(Some(Utc::now())))
        .filter(refresh_token::Column::Id.eq(row.id))
        .filter(refresh_token::Column::RotatedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        revoke_family(&txn, row.family_id).await?;
        txn.commit().await?;
        tracing::warn!(family = %row.family_id, "refresh token reused: session family revoked");
        return Err(refused("was used before; every token of this sign-in is revoked"));
    }
    if row.expires_at < Utc::now() {
        txn.commit().await?;
        return Err(refused("expired"));
    }
    let user = user::Entity::find_by_id(row.user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| refused("has no account"))?;
    let session = start_session(&txn, tokens, user, row.family_id).await?;
    txn.commit().await?;
    Ok(session)
}

/// Ends the sign-in the refresh token belongs to. Unknown tokens are ignored: logging out twice is fine.
pub async fn logout<C: ConnectionTrait>(db: &C, presented: &str) -> AppResult<()> {
    let row = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(secret::digest(presented)))
        .one(db)
        .await?;
    if let Some(row) = row {
        revoke_family(db, row.family_id).await?;
    }
    Ok(())
}

fn own_user(actor: &Principal) -> AppResult<Uuid> {
    match actor.actor {
        Actor::User(id) => Ok(id),
        _ => Err(AppError::Forbidden("only a signed-in person has a password".into())),
    }
}

/// Changes the caller's password and signs it out everywhere else.
pub async fn change_password<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    current: &str,
    new: &str,
) -> AppResult<()> {
    let user_id = own_user(actor)?;
    let user = find_user(db, user_id)
        .await?
        .ok_or_else(|| AppError::Unauthenticated("no such account".into()))?;
    let mut check = Checker::new();
    if !password::verify(current, &user.password_hash) {
        check.fail("currentPassword", "is not your password");
    }
    if let Some(why) = password::weakness(new) {
        check.fail("newPassword", why);
    } else if current == new {
        check.fail("newPassword", "must differ from the current one");
    }
    check.finish()?;
    let txn = db.begin().await?;
    user::Entity::update_many()
        .set(user::ActiveModel {
            password_hash: Set(password::hash(new)?),
            updated_at: Set(Utc::now()),
            ..Default::default()
        })
        .filter(user::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Some(Utc::now())))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    let entry = Entry {
        entity_type: "User",
        entity_id: user_id,
        action: "CHANGE_PASSWORD",
        changed_fields: vec!["password"],
        country: None,
    };
    audit::record(&txn, actor, entry).await?;
    txn.commit().await?;
    Ok(())
}

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
            let cluster = super::cluster::existing(db, "clusterId", id).await?;
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

async fn insert_grant<C: ConnectionTrait>(db: &C, user_id: Uuid, grant: Grant, by: Option<Uuid>) -> AppResult<()> {
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
    let txn = db.begin().await?;
    let user = find_user(&txn, user_id)
        .await?
        .ok_or_else(|| AppError::NotFound("userId: user".into()))?;
    let country = authorize_grant(&txn, actor, grant).await?;
    insert_grant(&txn, user_id, grant, actor_user(actor)).await?;
    let entry = Entry {
        entity_type: "User",
        entity_id: user_id,
        action: "GRANT_ROLE",
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
    let txn = db.begin().await?;
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
    let entry = Entry {
        entity_type: "User",
        entity_id: user_id,
        action: "REVOKE_ROLE",
        changed_fields: vec!["roles"],
        country,
    };
    audit::record(&txn, actor, entry).await?;
    txn.commit().await?;
    Ok(user)
}

/// Invites a colleague by e-mail to manage a cluster. The token is returned once; only its hash
/// is kept.
pub async fn invite<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    cluster_id: Uuid,
    email: &str,
) -> AppResult<(invitation::Model, String)> {
    let mut check = Checker::new();
    let email = normalise_email(&mut check, "email", email);
    check.finish()?;
    let txn = db.begin().await?;
    let cluster = super::cluster::existing(&txn, "clusterId", cluster_id).await?;
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
        entity_type: "Invitation",
        entity_id: model.id,
        action: "INVITE",
        changed_fields: vec!["email", "clusterId"],
        country: Some(cluster.country),
    };
    audit::record(&txn, actor, entry).await?;
    txn.commit().await?;
    Ok((model, token))
}

/// The invited person, signed in with the invited address, becomes a manager of the cluster.
pub async fn accept_invitation<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    token: &str,
) -> AppResult<cluster::Model> {
    let user_id = own_user(actor)?;
    let txn = db.begin().await?;
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
    let cluster = super::cluster::existing(&txn, "clusterId", invitation.cluster_id).await?;
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
    let entry = Entry {
        entity_type: "Invitation",
        entity_id: invitation.id,
        action: "ACCEPT",
        changed_fields: vec!["acceptedAt"],
        country: Some(cluster.country.clone()),
    };
    audit::record(&txn, actor, entry).await?;
    txn.commit().await?;
    Ok(cluster)
}

/// An account with grants, for the demo data; no policy applies to the server itself.
pub async fn create_with_grants<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    email: &str,
    display_name: &str,
    pass: &str,
    grants: &[Grant],
) -> AppResult<user::Model> {
    let user = register(db, email, display_name, pass).await?;
    for &grant in grants {
        insert_grant(db, user.id, grant, None).await?;
    }
    Ok(user)
}
