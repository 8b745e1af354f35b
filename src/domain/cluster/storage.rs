//! Cluster rows: reading them under the caller's visibility, and the writes (create, register
//! in bulk, update, delete) that keep the profile, its lists, its search document and its audit
//! entry in one transaction.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use entity::{
    cluster, cluster_ecosystem, cluster_emerging_industry, cluster_target_country, cluster_technology,
    partner_organisation, taxonomy::ClusterStatus,
};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Select, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::{lists, ClusterProfile};
use crate::{
    auth::{Principal, Role},
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        bulk,
        policy::{self, Visibility},
        search, version,
    },
    error::{AppError, AppResult, FieldError},
    webhook::{
        event::{self, Subscribers},
        EventType,
    },
};

fn visible(visibility: &Visibility) -> Select<cluster::Entity> {
    cluster::Entity::find().filter(visibility.condition())
}

pub async fn find<C: ConnectionTrait>(db: &C, visibility: &Visibility, id: Uuid) -> AppResult<Option<cluster::Model>> {
    Ok(visible(visibility).filter(cluster::Column::Id.eq(id)).one(db).await?)
}

pub async fn find_by_slug<C: ConnectionTrait>(
    db: &C,
    visibility: &Visibility,
    slug: &str,
) -> AppResult<Option<cluster::Model>> {
    Ok(visible(visibility)
        .filter(cluster::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// Reads back everything [`ClusterProfile`] holds for a stored cluster.
pub(super) async fn load_profile<C: ConnectionTrait>(db: &C, model: &cluster::Model) -> AppResult<ClusterProfile> {
    let lists = lists::read_all(db, model.id).await?;
    Ok(ClusterProfile::stored(model.clone(), lists))
}

/// The columns a profile sets; id, version and timestamps are the caller's.
pub(super) fn profile_columns(p: &ClusterProfile, slug: String) -> cluster::ActiveModel {
    cluster::ActiveModel {
        slug: Set(slug),
        name: Set(p.name.clone()),
        local_name: Set(p.local_name.clone()),
        acronym: Set(p.acronym.clone()),
        kind: Set(p.kind),
        country: Set(p.country.clone()),
        region: Set(p.region.clone()),
        city: Set(p.city.clone()),
        website: Set(p.website.clone()),
        description: Set(p.description.clone()),
        language: Set(p.language.clone()),
        founded_year: Set(p.founded_year),
        management_staff: Set(p.management_staff),
        members_total: Set(p.member_counts.total),
        members_sme: Set(p.member_counts.sme),
        members_start_up: Set(p.member_counts.start_up),
        members_large_company: Set(p.member_counts.large_company),
        members_research: Set(p.member_counts.research),
        members_other: Set(p.member_counts.other),
        label: Set(p.label),
        label_expires_on: Set(p.label_expires_on),
        status: Set(p.status),
        represented_by_id: Set(p.represented_by_id),
        contact_person: Set(p.contact.person.clone()),
        contact_email: Set(p.contact.email.clone()),
        contact_phone: Set(p.contact.phone.clone()),
        latitude: Set(p.latitude),
        longitude: Set(p.longitude),
        ..Default::default()
    }
}

/// Rewrites the profile's lists and its search document.
async fn replace_lists<C: ConnectionTrait>(db: &C, id: Uuid, p: &ClusterProfile) -> AppResult<()> {
    lists::replace::<cluster_ecosystem::Entity, C>(db, id, p.ecosystems.iter().copied()).await?;
    lists::replace::<cluster_emerging_industry::Entity, C>(db, id, p.emerging_industries.iter().copied()).await?;
    lists::replace::<cluster_technology::Entity, C>(db, id, p.technologies.iter().cloned()).await?;
    lists::replace::<cluster_target_country::Entity, C>(db, id, p.target_countries.iter().cloned()).await?;
    search::reindex(db, id).await
}

/// The slug a profile asks for (`Some`, which must be free) or, without one, the base that its
/// name gives, to which `-2`, `-3` … are added until one is free.
fn wanted_slug(p: &ClusterProfile) -> Result<String, String> {
    match &p.slug {
        Some(slug) => Ok(slug.clone()),
        None => Err(match slug::slugify(&p.name) {
            s if s.is_empty() => "cluster".to_owned(),
            s => s.chars().take(100).collect::<String>().trim_end_matches('-').to_owned(),
        }),
    }
}

/// Checks the slug's uniqueness, returning the slug to store.
async fn resolve_slug<C: ConnectionTrait>(db: &C, p: &ClusterProfile, own_id: Option<Uuid>) -> AppResult<String> {
    let taken = |slug: String| async move {
        let mut q = cluster::Entity::find().filter(cluster::Column::Slug.eq(slug));
        if let Some(id) = own_id {
            q = q.filter(cluster::Column::Id.ne(id));
        }
        q.count(db).await.map(|n| n > 0)
    };
    match wanted_slug(p) {
        Ok(slug) => {
            if taken(slug.clone()).await? {
                return Err(slug_taken(&slug));
            }
            Ok(slug)
        }
        Err(base) => {
            let mut candidate = base.clone();
            let mut n = 1;
            while taken(candidate.clone()).await? {
                n += 1;
                candidate = format!("{base}-{n}");
            }
            Ok(candidate)
        }
    }
}

fn slug_taken(slug: &str) -> AppError {
    AppError::Conflict(format!("slug: another cluster already uses the slug {slug}"))
}

/// The slugs of new profiles, chosen as [`resolve_slug`] would one by one (and distinct among
/// themselves, the earlier profile first), but looked up together: one statement for the
/// profiles whose first choice is free, one more for each round of further candidates (16,
/// then 64 a profile) for those whose choice is taken.
async fn resolve_new_slugs<C: ConnectionTrait>(db: &C, profiles: &[&ClusterProfile]) -> AppResult<Vec<String>> {
    let wanted: Vec<Result<String, String>> = profiles.iter().map(|p| wanted_slug(p)).collect();
    let candidate = |i: usize, n: u32| match &wanted[i] {
        Ok(slug) => slug.clone(),
        Err(base) if n == 1 => base.clone(),
        Err(base) => format!("{base}-{n}"),
    };
    let mut chosen: Vec<Option<String>> = vec![None; profiles.len()];
    let mut given: HashSet<String> = HashSet::new();
    let mut next = vec![1u32; profiles.len()];
    let mut window = 1u32;
    loop {
        let pending: Vec<usize> = (0..profiles.len()).filter(|&i| chosen[i].is_none()).collect();
        if pending.is_empty() {
            break;
        }
        let candidates: Vec<String> = pending
            .iter()
            .flat_map(|&i| {
                let last = if wanted[i].is_ok() { 1 } else { next[i] + window - 1 };
                (next[i]..=last).map(move |n| (i, n))
            })
            .map(|(i, n)| candidate(i, n))
            .collect();
        let mut taken: HashSet<String> = HashSet::new();
        for chunk in candidates.chunks(super::super::bulk::PARAMETERS / 2) {
            taken.extend(
                cluster::Entity::find()
                    .select_only()
                    .column(cluster::Column::Slug)
                    .filter(cluster::Column::Slug.is_in(chunk.iter().cloned()))
                    .into_tuple::<String>()
                    .all(db)
                    .await?,
            );
        }
        for i in pending {
            let last = if wanted[i].is_ok() { 1 } else { next[i] + window - 1 };
            let free = (next[i]..=last)
                .map(|n| candidate(i, n))
                .find(|c| !taken.contains(c) && !given.contains(c));
            match free {
                Some(slug) => {
                    given.insert(slug.clone());
                    chosen[i] = Some(slug);
                }
                None if wanted[i].is_ok() => return Err(slug_taken(&candidate(i, 1))),
                None => next[i] = last + 1,
            }
        }
        window = if window == 1 { 16 } else { 64 };
    }
    Ok(chosen.into_iter().flatten().collect())
}

/// Checks that the partners the profiles name exist (one statement for any number of profiles).
async fn check_references<C: ConnectionTrait>(db: &C, profiles: &[&ClusterProfile]) -> AppResult<()> {
    let mut named: Vec<Uuid> = profiles.iter().filter_map(|p| p.represented_by_id).collect();
    named.sort();
    named.dedup();
    if named.is_empty() {
        return Ok(());
    }
    let found = partner_organisation::Entity::find()
        .filter(partner_organisation::Column::Id.is_in(named.iter().copied()))
        .count(db)
        .await?;
    if found != named.len() as u64 {
        return Err(AppError::NotFound("representedById: partner organisation".into()));
    }
    Ok(())
}

/// Checks what only some callers may put into a profile: a status, a country, a label or a
/// representing partner.
pub(super) fn authorize_profile(
    actor: &Principal,
    old: Option<&ClusterProfile>,
    new: &mut ClusterProfile,
) -> AppResult<()> {
    if old.is_none_or(|o| o.country != new.country) {
        policy::may_create_cluster(actor, &new.country)?;
    }
    let default_status = old.map_or(ClusterStatus::Draft, |o| o.status);
    if new.status != default_status {
        policy::may_set_status(actor)?;
    }
    let recognition = |p: &ClusterProfile| (p.label, p.label_expires_on, p.represented_by_id);
    let unrecognised = ClusterProfile::new(String::new(), new.kind, String::new());
    if recognition(old.unwrap_or(&unrecognised)) != recognition(new) {
        policy::may_award_recognition(actor, &new.country)?;
    }
    if old.is_none() && new.represented_by_id.is_none() && actor.role == Role::Partner {
        // A partner registers clusters on its own behalf unless it says otherwise.
        new.represented_by_id = actor.partner_organisations.first().copied();
    }
    if let Some(partner) = new.represented_by_id {
        if old.is_none_or(|o| o.represented_by_id != Some(partner)) {
            policy::may_assign_partner(actor, partner)?;
        }
    }
    Ok(())
}

/// Inserts a checked profile, with the representing partner's own id of it if it has one; the
/// caller owns the transaction.
pub(super) async fn insert<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    profile: &ClusterProfile,
    external_id: Option<&str>,
) -> AppResult<cluster::Model> {
    let subscribers = Subscribers::load(db, &event::CLUSTER_EVENTS).await?;
    let mut models = insert_many(db, actor, &[(profile, external_id)], &subscribers).await?;
    models
        .pop()
        .ok_or_else(|| AppError::internal("an insert returned no row"))
}

/// Inserts checked profiles (each with the representing partner's own id of it, if it has
/// one), with their lists, search documents, audit entries, change-feed rows and webhook
/// events, in a fixed number of statements for any number of profiles (multi-row INSERTs).
/// Returns the rows in the order of `profiles`. The caller owns the transaction: any failure
/// (a slug asked for and taken, a unique key) fails them all.
pub(super) async fn insert_many<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    profiles: &[(&ClusterProfile, Option<&str>)],
    subscribers: &Subscribers,
) -> AppResult<Vec<cluster::Model>> {
    if profiles.is_empty() {
        return Ok(Vec::new());
    }
    let only: Vec<&ClusterProfile> = profiles.iter().map(|(p, _)| *p).collect();
    check_references(db, &only).await?;
    let slugs = resolve_new_slugs(db, &only).await?;
    let now = Utc::now();
    let ids: Vec<Uuid> = profiles.iter().map(|_| Uuid::now_v7()).collect();
    let rows: Vec<cluster::ActiveModel> = profiles
        .iter()
        .zip(slugs)
        .zip(&ids)
        .map(|(((profile, external_id), slug), id)| {
            let mut row = profile_columns(profile, slug);
            row.id = Set(*id);
            row.version = Set(1);
            row.created_at = Set(now);
            row.updated_at = Set(now);
            row.external_id = Set(external_id.map(str::to_owned));
            row
        })
        .collect();
    let mut stored: HashMap<Uuid, cluster::Model> = HashMap::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows
            .by_ref()
            .take(bulk::rows_per_statement::<cluster::Entity>())
            .collect();
        for model in cluster::Entity::insert_many(chunk).exec_with_returning(db).await? {
            stored.insert(model.id, model);
        }
    }
    // RETURNING promises no order: the rows go back in the order of `profiles`.
    let models: Vec<cluster::Model> = ids
        .iter()
        .map(|id| {
            stored
                .remove(id)
                .ok_or_else(|| AppError::internal("an insert returned too few rows"))
        })
        .collect::<AppResult<_>>()?;
    let ids_and = || ids.iter().copied().zip(only.iter());
    lists::insert_new::<cluster_ecosystem::Entity, C>(db, ids_and().map(|(id, p)| (id, p.ecosystems.clone()))).await?;
    let industries = ids_and().map(|(id, p)| (id, p.emerging_industries.clone()));
    lists::insert_new::<cluster_emerging_industry::Entity, C>(db, industries).await?;
    let technologies = ids_and().map(|(id, p)| (id, p.technologies.clone()));
    lists::insert_new::<cluster_technology::Entity, C>(db, technologies).await?;
    let targets = ids_and().map(|(id, p)| (id, p.target_countries.clone()));
    lists::insert_new::<cluster_target_country::Entity, C>(db, targets).await?;
    search::reindex_many(db, &ids).await?;
    let entries = models
        .iter()
        .zip(&only)
        .map(|(model, profile)| {
            Entry::about(
                AuditEntityType::Cluster,
                model.id,
                AuditAction::Create,
                profile.filled_fields(),
                std::slice::from_ref(model),
            )
        })
        .collect();
    audit::record_many(db, actor, entries).await?;
    let events = models
        .iter()
        .flat_map(|model| {
            let published = (model.status == ClusterStatus::Published)
                .then(|| event::cluster_event(EventType::ClusterPublished, model));
            std::iter::once(event::cluster_event(EventType::ClusterCreated, model)).chain(published)
        })
        .collect();
    subscribers.raise_many(db, events).await?;
    Ok(models)
}

pub async fn create<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    mut profile: ClusterProfile,
) -> AppResult<cluster::Model> {
    profile.validate()?;
    authorize_profile(actor, None, &mut profile)?;
    let txn = crate::db::begin_write(db).await?;
    let model = insert(&txn, actor, &profile, None).await?;
    txn.commit().await?;
    Ok(model)
}

/// Registers many profiles at once, all or nothing. Every row is checked before anything is
/// written, and every problem names its row: `clusters[3].country`.
pub async fn register_many<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    mut profiles: Vec<ClusterProfile>,
) -> AppResult<Vec<cluster::Model>> {
    const MAX_ROWS: usize = 500;
    if profiles.is_empty() || profiles.len() > MAX_ROWS {
        return Err(AppError::bad_field(
            "clusters",
            format!("send between 1 and {MAX_ROWS} clusters"),
        ));
    }
    let mut fields = Vec::new();
    let mut forbidden = Vec::new();
    for (i, profile) in profiles.iter_mut().enumerate() {
        match profile.validate() {
            Err(AppError::BadUserInput { fields: bad, .. }) => fields.extend(bad.into_iter().map(|f| FieldError {
                field: format!("clusters[{i}].{}", f.field),
                message: f.message,
            })),
            Err(other) => return Err(other),
            Ok(()) => {
                if authorize_profile(actor, None, profile).is_err() {
                    forbidden.push(format!("clusters[{i}]"));
                }
            }
        }
    }
    if !fields.is_empty() {
        let rows: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        return Err(AppError::BadUserInput {
            message: format!("invalid rows: {}", rows.join(", ")),
            fields,
        });
    }
    if !forbidden.is_empty() {
        return Err(AppError::Forbidden(format!(
            "you may not register {}",
            forbidden.join(", ")
        )));
    }
    let txn = crate::db::begin_write(db).await?;
    let mut models = Vec::with_capacity(profiles.len());
    for (i, profile) in profiles.iter().enumerate() {
        let model = insert(&txn, actor, profile, None).await.map_err(|err| match err {
            AppError::Conflict(m) => AppError::Conflict(format!("clusters[{i}]: {m}")),
            AppError::NotFound(m) => AppError::NotFound(format!("clusters[{i}].{m}")),
            other => other,
        })?;
        models.push(model);
    }
    txn.commit().await?;
    Ok(models)
}

/// Applies `change` to the stored profile, provided nobody changed it since the client read
/// `expected_version` and the caller may make the change.
pub async fn update<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    change: impl FnOnce(&mut ClusterProfile),
) -> AppResult<cluster::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current =
        version::locked::<cluster::Entity, _>(&txn, id, Some(expected_version), |c| policy::may_edit_cluster(actor, c))
            .await?;
    let old = load_profile(&txn, &current).await?;
    let mut profile = old.clone();
    change(&mut profile);
    profile.validate()?;
    let subscribers = Subscribers::load(&txn, &event::CLUSTER_EVENTS).await?;
    let model = rewrite(&txn, actor, &current, &old, profile, &subscribers).await?;
    txn.commit().await?;
    Ok(model)
}

/// Stores `profile` (validated) over `old`, the stored profile of `current`, if the caller may
/// make the change; the caller owns the transaction and has checked that `current` is editable.
pub(super) async fn rewrite<C: ConnectionTrait>(
    txn: &C,
    actor: &Principal,
    current: &cluster::Model,
    old: &ClusterProfile,
    mut profile: ClusterProfile,
    subscribers: &Subscribers,
) -> AppResult<cluster::Model> {
    let id = current.id;
    if profile.language != old.language {
        super::translation::free_for_primary(txn, id, &profile.language).await?;
    }
    authorize_profile(actor, Some(old), &mut profile)?;
    check_references(txn, &[&profile]).await?;
    let slug = resolve_slug(txn, &profile, Some(id)).await?;
    let model = version::save::<cluster::Entity, _>(txn, id, current.version, profile_columns(&profile, slug)).await?;
    replace_lists(txn, id, &profile).await?;
    let entry = Entry::about(
        AuditEntityType::Cluster,
        id,
        AuditAction::Update,
        old.changed_fields(&profile),
        std::slice::from_ref(&model),
    );
    audit::record(txn, actor, entry).await?;
    let mut events = vec![event::cluster_event(EventType::ClusterUpdated, &model)];
    if model.status == ClusterStatus::Published && current.status != ClusterStatus::Published {
        events.push(event::cluster_event(EventType::ClusterPublished, &model));
    }
    subscribers.raise_many(txn, events).await?;
    Ok(model)
}

pub async fn delete<C: TransactionTrait>(db: &C, actor: &Principal, id: Uuid) -> AppResult<Uuid> {
    let txn = crate::db::begin_write(db).await?;
    let current = cluster::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("cluster".into()))?;
    policy::may_review_cluster(actor, &current)?;
    // A partner organisation's own profile may go; the organisation stays without one.
    partner_organisation::Entity::update_many()
        .col_expr(
            partner_organisation::Column::ClusterId,
            Expr::value(Option::<Uuid>::None),
        )
        .filter(partner_organisation::Column::ClusterId.eq(id))
        .exec(&txn)
        .await?;
    // Before the row goes: the full-text index finds its row through a key the delete cascades to.
    search::forget_fts(&txn, id).await?;
    cluster::Entity::delete_by_id(id).exec(&txn).await?;
    let entry = Entry::about(
        AuditEntityType::Cluster,
        id,
        AuditAction::Delete,
        vec![],
        std::slice::from_ref(&current),
    );
    audit::record(&txn, actor, entry).await?;
    txn.commit().await?;
    Ok(id)
}

/// A cluster that must exist, for checks before a write.
pub(crate) async fn existing<C: ConnectionTrait>(db: &C, field: &str, id: Uuid) -> AppResult<cluster::Model> {
    cluster::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{field}: cluster")))
}
