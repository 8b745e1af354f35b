//! Webhook endpoints, as their partner organisation manages them: register (the secret shown
//! once), change (version checked), rotate the secret (the old one still signs for a grace
//! period), delete, list. Their deliveries' history and redelivery are in `delivery`.
//! Every decision of who may is `policy::may_manage_webhooks`; every write is audited.

use chrono::Utc;
use entity::{
    partner_organisation, webhook_delivery,
    webhook_endpoint::{self, EndpointStatus},
    webhook_endpoint_event_type,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::{address, event::EventType, settings::WebhookRules, signature};
use crate::{
    auth::Principal,
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        policy,
        validation::Checker,
        version::{self, Versioned},
    },
    error::{AppError, AppResult},
};

/// Most endpoints one partner organisation may register.
pub const ENDPOINTS_MAX: u64 = 20;
/// Longest description.
pub const DESCRIPTION_MAX: usize = 500;

impl Versioned for webhook_endpoint::Entity {
    const NAME: &'static str = "webhook endpoint";
    const ID: webhook_endpoint::Column = webhook_endpoint::Column::Id;
    const VERSION: webhook_endpoint::Column = webhook_endpoint::Column::Version;
    const UPDATED_AT: webhook_endpoint::Column = webhook_endpoint::Column::UpdatedAt;
    fn version_of(model: &webhook_endpoint::Model) -> i32 {
        model.version
    }
}

/// An endpoint with a secret to show once.
pub struct WithSecret {
    pub endpoint: webhook_endpoint::Model,
    pub secret: String,
}

/// The fields of a new endpoint.
pub struct NewEndpoint {
    pub partner_organisation: Uuid,
    pub url: String,
    pub event_types: Vec<EventType>,
    pub description: Option<String>,
}

/// A change to an endpoint; `None` leaves a field as it is.
pub struct EndpointPatch {
    pub url: Option<String>,
    pub event_types: Option<Vec<EventType>>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<String>>,
    /// True enables a disabled endpoint again (its run of failures forgotten); false disables.
    pub enabled: Option<bool>,
}

fn check_fields(
    check: &mut Checker,
    rules: &WebhookRules,
    url: Option<&str>,
    event_types: Option<&mut Vec<EventType>>,
    description: Option<&mut Option<String>>,
) {
    if let Some(url) = url {
        if let Err(refused) = address::check_url(url, rules.addresses) {
            check.fail("url", refused.to_string());
        }
    }
    if let Some(types) = event_types {
        let mut seen = Vec::new();
        types.retain(|t| {
            let new = !seen.contains(t);
            seen.push(*t);
            new
        });
        if types.is_empty() {
            check.fail("eventTypes", "name at least one event type");
        }
    }
    if let Some(description) = description {
        check.optional_text("description", description, DESCRIPTION_MAX);
    }
}

async fn audit_entry<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    action: AuditAction,
    changed_fields: Vec<&'static str>,
) -> AppResult<()> {
    let entry = Entry {
        entity_type: AuditEntityType::WebhookEndpoint,
        entity_id: id,
        action,
        changed_fields,
        country: None,
    };
    audit::record(db, actor, entry).await
}

async fn set_event_types<C: ConnectionTrait>(db: &C, id: Uuid, types: &[EventType]) -> AppResult<()> {
    webhook_endpoint_event_type::Entity::delete_many()
        .filter(webhook_endpoint_event_type::Column::EndpointId.eq(id))
        .exec(db)
        .await?;
    webhook_endpoint_event_type::Entity::insert_many(types.iter().map(|t| webhook_endpoint_event_type::ActiveModel {
        endpoint_id: Set(id),
        event_type: Set(t.code().to_owned()),
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn create<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    rules: &WebhookRules,
    mut new: NewEndpoint,
) -> AppResult<WithSecret> {
    policy::may_manage_webhooks(actor, new.partner_organisation)?;
    let mut check = Checker::new();
    check_fields(
        &mut check,
        rules,
        Some(&new.url),
        Some(&mut new.event_types),
        Some(&mut new.description),
    );
    check.finish()?;
    let txn = crate::db::begin_write(db).await?;
    if partner_organisation::Entity::find_by_id(new.partner_organisation)
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound("partner organisation".into()));
    }
    let registered = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::PartnerOrganisationId.eq(new.partner_organisation))
        .count(&txn)
        .await?;
    if registered >= ENDPOINTS_MAX {
        return Err(AppError::bad_field(
            "partnerOrganisationId",
            format!("a partner organisation has at most {ENDPOINTS_MAX} webhook endpoints"),
        ));
    }
    let now = Utc::now();
    let secret = signature::generate_secret();
    let endpoint = webhook_endpoint::Entity::insert(webhook_endpoint::ActiveModel {
        id: Set(Uuid::now_v7()),
        partner_organisation_id: Set(new.partner_organisation),
        url: Set(new.url),
        description: Set(new.description),
        secret: Set(secret.clone()),
        previous_secret: Set(None),
        previous_secret_until: Set(None),
        status: Set(EndpointStatus::Enabled),
        failing_since: Set(None),
        disabled_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(&txn)
    .await?;
    set_event_types(&txn, endpoint.id, &new.event_types).await?;
    audit_entry(
        &txn,
        actor,
        endpoint.id,
        AuditAction::Create,
        vec!["url", "eventTypes", "description"],
    )
    .await?;
    txn.commit().await?;
    Ok(WithSecret { endpoint, secret })
}

pub async fn update<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    rules: &WebhookRules,
    id: Uuid,
    expected_version: i32,
    mut patch: EndpointPatch,
) -> AppResult<webhook_endpoint::Model> {
    let mut check = Checker::new();
    check_fields(
        &mut check,
        rules,
        patch.url.as_deref(),
        patch.event_types.as_mut(),
        patch.description.as_mut(),
    );
    let txn = crate::db::begin_write(db).await?;
    // Permission before validation: a stranger learns nothing of the record from the errors.
    let current = version::locked::<webhook_endpoint::Entity, _>(&txn, id, Some(expected_version), |e| {
        policy::may_manage_webhooks(actor, e.partner_organisation_id)
    })
    .await?;
    check.finish()?;
    let mut row = webhook_endpoint::ActiveModel::default();
    let mut changed = Vec::new();
    if let Some(url) = patch.url {
        row.url = Set(url);
        changed.push("url");
    }
    if let Some(description) = patch.description {
        row.description = Set(description);
        changed.push("description");
    }
    match patch.enabled {
        Some(true) if current.status == EndpointStatus::Disabled => {
            row.status = Set(EndpointStatus::Enabled);
            row.failing_since = Set(None);
            row.disabled_at = Set(None);
            changed.push("enabled");
        }
        Some(false) if current.status == EndpointStatus::Enabled => {
            row.status = Set(EndpointStatus::Disabled);
            row.disabled_at = Set(Some(Utc::now()));
            changed.push("enabled");
        }
        _ => {}
    }
    let endpoint = version::save::<webhook_endpoint::Entity, _>(&txn, id, expected_version, row).await?;
    if let Some(types) = patch.event_types {
        set_event_types(&txn, id, &types).await?;
        changed.push("eventTypes");
    }
    audit_entry(&txn, actor, id, AuditAction::Update, changed).await?;
    txn.commit().await?;
    Ok(endpoint)
}

/// A new secret, shown once; the one before signs beside it for the grace period.
pub async fn rotate_secret<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    rules: &WebhookRules,
    id: Uuid,
    expected_version: i32,
) -> AppResult<WithSecret> {
    let txn = crate::db::begin_write(db).await?;
    let current = version::locked::<webhook_endpoint::Entity, _>(&txn, id, Some(expected_version), |e| {
        policy::may_manage_webhooks(actor, e.partner_organisation_id)
    })
    .await?;
    let secret = signature::generate_secret();
    let grace = chrono::Duration::from_std(rules.secret_grace).map_err(AppError::internal)?;
    let endpoint = version::save::<webhook_endpoint::Entity, _>(
        &txn,
        id,
        expected_version,
        webhook_endpoint::ActiveModel {
            secret: Set(secret.clone()),
            previous_secret: Set(Some(current.secret)),
            previous_secret_until: Set(Some(Utc::now() + grace)),
            ..Default::default()
        },
    )
    .await?;
    audit_entry(&txn, actor, id, AuditAction::RotateSecret, vec!["secret"]).await?;
    txn.commit().await?;
    Ok(WithSecret { endpoint, secret })
}

/// Deletes an endpoint with its history; queued deliveries go with it.
pub async fn delete<C: TransactionTrait>(db: &C, actor: &Principal, id: Uuid, expected_version: i32) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    version::locked::<webhook_endpoint::Entity, _>(&txn, id, Some(expected_version), |e| {
        policy::may_manage_webhooks(actor, e.partner_organisation_id)
    })
    .await?;
    // SQLite enforces the cascade only with foreign keys on; deleting the children first
    // works on both.
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::EndpointId.eq(id))
        .exec(&txn)
        .await?;
    webhook_endpoint_event_type::Entity::delete_many()
        .filter(webhook_endpoint_event_type::Column::EndpointId.eq(id))
        .exec(&txn)
        .await?;
    let deleted = webhook_endpoint::Entity::delete_many()
        .filter(webhook_endpoint::Column::Id.eq(id))
        .filter(webhook_endpoint::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    if deleted.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the endpoint changed meanwhile; read it again".into(),
        ));
    }
    audit_entry(&txn, actor, id, AuditAction::Delete, vec![]).await?;
    txn.commit().await?;
    Ok(())
}

/// The endpoints of a partner organisation, oldest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    partner_organisation: Uuid,
) -> AppResult<Vec<webhook_endpoint::Model>> {
    policy::may_manage_webhooks(actor, partner_organisation)?;
    Ok(webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::PartnerOrganisationId.eq(partner_organisation))
        .order_by_asc(webhook_endpoint::Column::CreatedAt)
        .order_by_asc(webhook_endpoint::Column::Id)
        .all(db)
        .await?)
}

/// The endpoints among `ids` that the caller may manage, as in [`list`]; the others are left
/// out as if they did not exist (what `node(id:)` reads).
pub async fn visible<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    ids: &[Uuid],
) -> AppResult<Vec<webhook_endpoint::Model>> {
    let endpoints = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(endpoints
        .into_iter()
        .filter(|e| policy::may_manage_webhooks(actor, e.partner_organisation_id).is_ok())
        .collect())
}

/// The event types of `endpoints`, by endpoint, in the enum's order.
pub async fn event_types_of<C: ConnectionTrait>(db: &C, endpoints: &[Uuid]) -> AppResult<Vec<(Uuid, EventType)>> {
    let rows = webhook_endpoint_event_type::Entity::find()
        .filter(webhook_endpoint_event_type::Column::EndpointId.is_in(endpoints.to_vec()))
        .all(db)
        .await?;
    let mut types: Vec<(Uuid, EventType)> = rows
        .into_iter()
        .filter_map(|row| EventType::from_code(&row.event_type).map(|t| (row.endpoint_id, t)))
        .collect();
    types.sort_by_key(|(id, t)| (*id, EventType::ALL.iter().position(|x| x == t)));
    Ok(types)
}

/// An endpoint its caller may manage, or NOT_FOUND / FORBIDDEN.
pub async fn managed<C: ConnectionTrait>(db: &C, actor: &Principal, id: Uuid) -> AppResult<webhook_endpoint::Model> {
    let endpoint = webhook_endpoint::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("webhook endpoint".into()))?;
    policy::may_manage_webhooks(actor, endpoint.partner_organisation_id)?;
    Ok(endpoint)
}
