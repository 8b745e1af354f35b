//! The partner-search marketplace: a cluster OFFERs or REQUESTs cooperation until a date; other
//! clusters express interest; only the poster sees who did.

use chrono::{Duration, NaiveDate, Utc};
use entity::{
    cluster, expression_of_interest, partner_search, partner_search_country, partner_search_ecosystem,
    taxonomy::{Ecosystem, PartnerSearchKind},
};
use sea_orm::{
    sea_query::Query, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::{
    audit::{self, AuditAction, AuditEntityType, Entry},
    pagination::{keyset_page, Keyset, Page, SortKey, Window},
    policy::{self, Visibility},
    validation::{Checker, NAME_MAX},
};
use crate::{
    auth::{Links, Principal},
    error::{AppError, AppResult},
    mail::{account_mail, enqueue},
    webhook,
};

const DESCRIPTION_MAX: usize = 5_000;
const MESSAGE_MAX: usize = 2_000;
/// Longest a search stays open.
const MAX_DAYS_OPEN: i64 = 366;

#[derive(Debug, Clone)]
pub struct NewPartnerSearch {
    pub kind: PartnerSearchKind,
    pub title: String,
    pub description: String,
    pub expires_on: NaiveDate,
    pub ecosystems: Vec<Ecosystem>,
    pub target_countries: Vec<String>,
}

impl NewPartnerSearch {
    fn validate(&mut self) -> AppResult<()> {
        let mut check = Checker::new();
        check.name("title", &mut self.title, NAME_MAX);
        let mut description = Some(std::mem::take(&mut self.description));
        check.optional_text("description", &mut description, DESCRIPTION_MAX);
        self.description = description.unwrap_or_default();
        if self.description.is_empty() {
            check.fail("description", "must not be empty");
        }
        let today = Utc::now().date_naive();
        if self.expires_on <= today || self.expires_on > today + Duration::days(MAX_DAYS_OPEN) {
            check.fail("expiresOn", format!("must lie within the next {MAX_DAYS_OPEN} days"));
        }
        self.ecosystems.sort();
        self.ecosystems.dedup();
        check.countries("targetCountries", &mut self.target_countries);
        check.finish()
    }
}

#[derive(Debug, Clone, Default)]
pub struct PartnerSearchFilter {
    pub kinds: Vec<PartnerSearchKind>,
    pub ecosystems: Vec<Ecosystem>,
    pub target_countries: Vec<String>,
    pub cluster_id: Option<Uuid>,
}

impl PartnerSearchFilter {
    /// Open searches of visible clusters that match.
    fn condition(&self, visibility: &Visibility) -> Condition {
        let today = Utc::now().date_naive();
        let mut cond = Condition::all().add(partner_search::Column::ExpiresOn.gte(today)).add(
            partner_search::Column::ClusterId.in_subquery(
                Query::select()
                    .column(cluster::Column::Id)
                    .from(cluster::Entity)
                    .cond_where(visibility.condition())
                    .to_owned(),
            ),
        );
        if !self.kinds.is_empty() {
            cond = cond.add(partner_search::Column::Kind.is_in(self.kinds.clone()));
        }
        if let Some(id) = self.cluster_id {
            cond = cond.add(partner_search::Column::ClusterId.eq(id));
        }
        if !self.ecosystems.is_empty() {
            cond = cond.add(
                partner_search::Column::Id.in_subquery(
                    Query::select()
                        .column(partner_search_ecosystem::Column::PartnerSearchId)
                        .from(partner_search_ecosystem::Entity)
                        .and_where(partner_search_ecosystem::Column::Ecosystem.is_in(self.ecosystems.clone()))
                        .to_owned(),
                ),
            );
        }
        if !self.target_countries.is_empty() {
            cond = cond.add(
                partner_search::Column::Id.in_subquery(
                    Query::select()
                        .column(partner_search_country::Column::PartnerSearchId)
                        .from(partner_search_country::Entity)
                        .and_where(partner_search_country::Column::Country.is_in(self.target_countries.clone()))
                        .to_owned(),
                ),
            );
        }
        cond
    }

    pub fn validate(&mut self) -> AppResult<()> {
        let mut check = Checker::new();
        check.countries("filter.targetCountries", &mut self.target_countries);
        check.finish()
    }
}

const NEWEST_FIRST: Keyset<partner_search::Entity> = Keyset {
    name: "CREATED_AT",
    column: partner_search::Column::CreatedAt,
    id: partner_search::Column::Id,
    ascending: false,
    key_of: |m| (SortKey::Time(m.created_at), m.id),
};

pub async fn list<C: ConnectionTrait>(
    db: &C,
    visibility: &Visibility,
    filter: &PartnerSearchFilter,
    window: &Window,
) -> AppResult<Page<partner_search::Model>> {
    keyset_page(
        db,
        partner_search::Entity::find().filter(filter.condition(visibility)),
        &NEWEST_FIRST,
        window,
    )
    .await
}

pub async fn count<C: ConnectionTrait>(
    db: &C,
    visibility: &Visibility,
    filter: &PartnerSearchFilter,
) -> AppResult<u64> {
    Ok(partner_search::Entity::find()
        .filter(filter.condition(visibility))
        .count(db)
        .await?)
}

pub async fn create<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    cluster_id: Uuid,
    mut new: NewPartnerSearch,
) -> AppResult<partner_search::Model> {
    new.validate()?;
    let txn = crate::db::begin_write(db).await?;
    let cluster = super::cluster::existing(&txn, "clusterId", cluster_id).await?;
    policy::may_edit_cluster(actor, &cluster)?;
    let id = Uuid::now_v7();
    let model = partner_search::Entity::insert(partner_search::ActiveModel {
        id: Set(id),
        cluster_id: Set(cluster_id),
        kind: Set(new.kind),
        title: Set(new.title),
        description: Set(new.description),
        expires_on: Set(new.expires_on),
        created_at: Set(Utc::now()),
        posted_by_id: Set(policy::user_of(actor)),
    })
    .exec_with_returning(&txn)
    .await?;
    if !new.ecosystems.is_empty() {
        partner_search_ecosystem::Entity::insert_many(new.ecosystems.iter().map(|&e| {
            partner_search_ecosystem::ActiveModel {
                partner_search_id: Set(id),
                ecosystem: Set(e),
            }
        }))
        .exec(&txn)
        .await?;
    }
    if !new.target_countries.is_empty() {
        partner_search_country::Entity::insert_many(new.target_countries.iter().map(|c| {
            partner_search_country::ActiveModel {
                partner_search_id: Set(id),
                country: Set(c.clone()),
            }
        }))
        .exec(&txn)
        .await?;
    }
    let entry = Entry {
        entity_type: AuditEntityType::PartnerSearch,
        entity_id: id,
        action: AuditAction::Create,
        changed_fields: vec![
            "kind",
            "title",
            "description",
            "expiresOn",
            "ecosystems",
            "targetCountries",
        ],
        country: Some(cluster.country),
    };
    audit::record(&txn, actor, entry).await?;
    txn.commit().await?;
    Ok(model)
}

async fn with_owner<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<(partner_search::Model, cluster::Model)> {
    let search = partner_search::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("partner search".into()))?;
    let owner = super::cluster::existing(db, "clusterId", search.cluster_id).await?;
    Ok((search, owner))
}

pub async fn delete<C: TransactionTrait + ConnectionTrait>(db: &C, actor: &Principal, id: Uuid) -> AppResult<Uuid> {
    let txn = crate::db::begin_write(db).await?;
    let (_, owner) = with_owner(&txn, id).await?;
    policy::may_edit_cluster(actor, &owner)?;
    partner_search::Entity::delete_by_id(id).exec(&txn).await?;
    let entry = Entry {
        entity_type: AuditEntityType::PartnerSearch,
        entity_id: id,
        action: AuditAction::Delete,
        changed_fields: vec![],
        country: Some(owner.country),
    };
    audit::record(&txn, actor, entry).await?;
    txn.commit().await?;
    Ok(id)
}

/// A cluster the caller edits answers an open search of another cluster, once. The poster's
/// account is mailed a link to the search (not the message), once per search and cluster.
pub async fn express_interest<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    links: &Links,
    actor: &Principal,
    search_id: Uuid,
    cluster_id: Uuid,
    message: &str,
) -> AppResult<expression_of_interest::Model> {
    let mut check = Checker::new();
    let mut message = message.to_owned();
    check.name("message", &mut message, MESSAGE_MAX);
    check.finish()?;
    let txn = crate::db::begin_write(db).await?;
    let (search, owner) = with_owner(&txn, search_id).await?;
    if !Visibility::of(actor).sees(&owner) {
        return Err(AppError::NotFound("partner search".into()));
    }
    let interested = super::cluster::existing(&txn, "clusterId", cluster_id).await?;
    policy::may_edit_cluster(actor, &interested)?;
    if search.expires_on < Utc::now().date_naive() {
        return Err(AppError::Conflict("the partner search has expired".into()));
    }
    if search.cluster_id == cluster_id {
        return Err(AppError::bad_field(
            "clusterId",
            "a cluster does not answer its own search",
        ));
    }
    let already = expression_of_interest::Entity::find()
        .filter(expression_of_interest::Column::PartnerSearchId.eq(search_id))
        .filter(expression_of_interest::Column::ClusterId.eq(cluster_id))
        .count(&txn)
        .await?;
    if already > 0 {
        return Err(AppError::Conflict("this cluster has expressed interest already".into()));
    }
    let model = expression_of_interest::Entity::insert(expression_of_interest::ActiveModel {
        id: Set(Uuid::now_v7()),
        partner_search_id: Set(search_id),
        cluster_id: Set(cluster_id),
        message: Set(message),
        created_by: Set(actor.subject.chars().take(300).collect()),
        created_at: Set(Utc::now()),
    })
    .exec_with_returning(&txn)
    .await?;
    let entry = Entry {
        entity_type: AuditEntityType::PartnerSearch,
        entity_id: search_id,
        action: AuditAction::ExpressInterest,
        changed_fields: vec!["interests"],
        country: Some(interested.country.clone()),
    };
    audit::record(&txn, actor, entry).await?;
    mail_poster(&txn, links, &search, &interested).await?;
    let mut data = serde_json::Map::new();
    data.insert(
        "partnerSearchId".into(),
        webhook::event::global_id("PartnerSearch", search_id).into(),
    );
    data.insert(
        "clusterId".into(),
        webhook::event::global_id("Cluster", cluster_id).into(),
    );
    let event = webhook::Event {
        event_type: webhook::EventType::InterestExpressed,
        id: webhook::event::global_id("ExpressionOfInterest", model.id),
        data,
        // Private to the two clusters: the poster's and the interested one's.
        audience: webhook::Audience::LooksAfter(vec![&owner, &interested]),
    };
    webhook::event::raise(&txn, event).await?;
    txn.commit().await?;
    Ok(model)
}

/// Queues the interest mail to the account that posted `search`, if one did and still exists.
async fn mail_poster<C: ConnectionTrait>(
    txn: &C,
    links: &Links,
    search: &partner_search::Model,
    interested: &cluster::Model,
) -> AppResult<()> {
    let Some(poster) = search.posted_by_id else {
        return Ok(());
    };
    let Some(poster) = super::account::find_user(txn, poster).await? else {
        return Ok(());
    };
    let mail = account_mail::interest(
        links,
        account_mail::MailLanguage::of(poster.language.as_deref()),
        &account_mail::Interest {
            recipient: &poster.email,
            search_id: search.id,
            search_title: &search.title,
            interested_cluster_id: interested.id,
            interested_cluster: &interested.name,
        },
    )?;
    enqueue(txn, mail).await?;
    Ok(())
}

/// Who answered a search: for the poster's editors only.
pub async fn interests<C: ConnectionTrait>(
    db: &C,
    actor: Option<&Principal>,
    search_id: Uuid,
) -> AppResult<Vec<expression_of_interest::Model>> {
    let actor = actor.ok_or_else(|| AppError::Unauthenticated("sign in to see interests".into()))?;
    let (_, owner) = with_owner(db, search_id).await?;
    policy::may_edit_cluster(actor, &owner)?;
    Ok(expression_of_interest::Entity::find()
        .filter(expression_of_interest::Column::PartnerSearchId.eq(search_id))
        .order_by_desc(expression_of_interest::Column::CreatedAt)
        .all(db)
        .await?)
}

/// The searches of `ids` that `visibility` sees: those [`list`] shows, open and of visible
/// clusters (`node`, `partnerSearch`).
pub async fn visible<C: ConnectionTrait>(
    db: &C,
    visibility: &Visibility,
    ids: &[Uuid],
) -> AppResult<Vec<partner_search::Model>> {
    Ok(partner_search::Entity::find()
        .filter(PartnerSearchFilter::default().condition(visibility))
        .filter(partner_search::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// The expressions of interest of `ids` the actor may read: as [`interests`] decides, those
/// answering searches of clusters it edits (`node`).
pub async fn visible_interests<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    ids: &[Uuid],
) -> AppResult<Vec<expression_of_interest::Model>> {
    let interests = expression_of_interest::Entity::find()
        .filter(expression_of_interest::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let searches = partner_search::Entity::find()
        .filter(partner_search::Column::Id.is_in(interests.iter().map(|i| i.partner_search_id)))
        .all(db)
        .await?;
    let owners = cluster::Entity::find()
        .filter(cluster::Column::Id.is_in(searches.iter().map(|s| s.cluster_id)))
        .all(db)
        .await?;
    let edited = |search_id: Uuid| {
        searches
            .iter()
            .find(|s| s.id == search_id)
            .and_then(|s| owners.iter().find(|c| c.id == s.cluster_id))
            .is_some_and(|owner| policy::may_edit_cluster(actor, owner).is_ok())
    };
    Ok(interests.into_iter().filter(|i| edited(i.partner_search_id)).collect())
}
