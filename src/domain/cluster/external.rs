//! Profiles a partner organisation keeps in its own registry, found by the partner's own id of
//! each (its external id, unique per partner): what an import writes, with the same
//! checks as `createCluster` and `updateCluster`: every row of a batch checked first, the new
//! profiles then written together, the changed ones one by one.

use std::collections::HashMap;

use entity::{
    cluster, cluster_ecosystem, cluster_emerging_industry, cluster_target_country, cluster_technology,
    taxonomy::ClusterKind,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{
    lists::{self, ClusterLists},
    storage::{authorize_profile, insert_many, rewrite},
    ClusterProfile,
};
use crate::{
    auth::Principal,
    domain::policy,
    error::{AppError, AppResult},
    webhook::event::Subscribers,
};

/// A stored profile of the partner's, as the row's changes start from.
#[derive(Debug, Clone)]
pub struct Stored {
    pub model: cluster::Model,
    pub profile: ClusterProfile,
}

/// The stored profiles of `partner` with these external ids: one statement for the profiles and
/// one for each of their four lists (none when no profile matches), however many ids.
pub async fn matching<C: ConnectionTrait>(
    db: &C,
    partner: Uuid,
    external_ids: &[String],
) -> AppResult<HashMap<String, Stored>> {
    if external_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let models = cluster::Entity::find()
        .filter(cluster::Column::RepresentedById.eq(partner))
        .filter(cluster::Column::ExternalId.is_in(external_ids.iter().cloned()))
        .all(db)
        .await?;
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let mut ecosystems = lists::read::<cluster_ecosystem::Entity, C>(db, &ids).await?;
    let mut industries = lists::read::<cluster_emerging_industry::Entity, C>(db, &ids).await?;
    let mut technologies = lists::read::<cluster_technology::Entity, C>(db, &ids).await?;
    let mut targets = lists::read::<cluster_target_country::Entity, C>(db, &ids).await?;
    Ok(models
        .into_iter()
        .filter_map(|model| {
            let lists = ClusterLists {
                ecosystems: ecosystems.remove(&model.id).unwrap_or_default(),
                emerging_industries: industries.remove(&model.id).unwrap_or_default(),
                technologies: technologies.remove(&model.id).unwrap_or_default(),
                target_countries: targets.remove(&model.id).unwrap_or_default(),
            };
            let external_id = model.external_id.clone()?;
            let profile = ClusterProfile::stored(model.clone(), lists);
            Some((external_id, Stored { model, profile }))
        })
        .collect())
}

/// What a row of `partner`'s registry asks for, checked as `createCluster` / `updateCluster`
/// check (validation, the caller's rights) without touching the database, so that a batch of
/// rows is checked first and its new profiles written together.
#[derive(Debug, Clone)]
pub enum Plan {
    /// A new profile represented by the partner, checked and ready for [`create_many`].
    Create(ClusterProfile),
    /// The row's changes onto the stored profile, checked, for [`update`].
    Update(ClusterProfile),
    /// The stored profile already says what the row says: nothing to write.
    Unchanged(Uuid),
}

/// Checks one row: a new profile when nothing is `stored` under its external id, else the
/// row's changes onto the stored one. `change` writes the row onto the profile it starts from
/// (an empty one for a new profile), or refuses it.
pub fn plan(
    actor: &Principal,
    partner: Uuid,
    stored: Option<&Stored>,
    change: impl FnOnce(&mut ClusterProfile) -> AppResult<()>,
) -> AppResult<Plan> {
    match stored {
        None => {
            let mut profile = ClusterProfile::new(String::new(), ClusterKind::ClusterOrganisation, String::new());
            change(&mut profile)?;
            profile.represented_by_id = Some(partner);
            profile.validate()?;
            authorize_profile(actor, None, &mut profile)?;
            Ok(Plan::Create(profile))
        }
        Some(stored) => {
            policy::may_edit_cluster(actor, &stored.model)?;
            let mut profile = stored.profile.clone();
            change(&mut profile)?;
            if profile.represented_by_id != Some(partner) {
                return Err(AppError::bad_field(
                    "representedById",
                    "an imported profile stays with the partner that imports it",
                ));
            }
            profile.validate()?;
            if unchanged(&stored.profile, &profile) {
                return Ok(Plan::Unchanged(stored.model.id));
            }
            Ok(Plan::Update(profile))
        }
    }
}

/// Writes the new profiles of [`Plan::Create`], each under its external id, in a fixed number
/// of statements however many (`storage::insert_many`). Returns their ids in the order given.
/// The caller owns the transaction; any failure fails them all (a savepoint lets the caller
/// write them one by one then, to find the row at fault).
pub async fn create_many<C: ConnectionTrait>(
    txn: &C,
    actor: &Principal,
    profiles: &[(&str, &ClusterProfile)],
    subscribers: &Subscribers,
) -> AppResult<Vec<Uuid>> {
    let rows: Vec<(&ClusterProfile, Option<&str>)> = profiles.iter().map(|(id, p)| (*p, Some(*id))).collect();
    let models = insert_many(txn, actor, &rows, subscribers).await?;
    Ok(models.into_iter().map(|m| m.id).collect())
}

/// Writes a [`Plan::Update`] over its stored profile, one row at a time (the profile's version
/// checked, its lists, search document, audit entry and events rewritten). The caller owns the
/// transaction (a savepoint, so a refused row leaves nothing behind).
pub async fn update<C: ConnectionTrait>(
    txn: &C,
    actor: &Principal,
    stored: &Stored,
    profile: ClusterProfile,
    subscribers: &Subscribers,
) -> AppResult<Uuid> {
    let model = rewrite(txn, actor, &stored.model, &stored.profile, profile, subscribers).await?;
    Ok(model.id)
}

/// Whether `new` says what `old` does. The join tables keep no order (they read back in the
/// database's collation), so lists are compared as sets.
fn unchanged(old: &ClusterProfile, new: &ClusterProfile) -> bool {
    let sorted = |p: &ClusterProfile| {
        let mut p = p.clone();
        p.technologies.sort();
        p.target_countries.sort();
        p
    };
    let changed = sorted(old).changed_fields(&sorted(new));
    tracing::debug!(?changed, "import row against the stored profile");
    changed.is_empty()
}
