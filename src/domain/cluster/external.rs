//! Profiles a partner organisation keeps in its own registry, found by the partner's own id of
//! each (its external id, unique per partner): what an import writes, row by row, with the same
//! checks as `createCluster` and `updateCluster`.

use std::collections::HashMap;

use entity::{
    cluster, cluster_ecosystem, cluster_emerging_industry, cluster_target_country, cluster_technology,
    taxonomy::ClusterKind,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{
    lists::{self, ClusterLists},
    storage::{authorize_profile, insert, rewrite},
    ClusterProfile,
};
use crate::{
    auth::Principal,
    domain::policy,
    error::{AppError, AppResult},
};

/// What writing one row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Created(Uuid),
    Updated(Uuid),
    /// The stored profile already says what the row says.
    Unchanged(Uuid),
}

/// A stored profile of the partner's, as the row's changes start from.
#[derive(Debug, Clone)]
pub struct Stored {
    pub model: cluster::Model,
    pub profile: ClusterProfile,
}

/// The stored profiles of `partner` with these external ids (five statements, however many).
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

/// Writes one row of `partner`'s registry: a new profile represented by the partner when
/// nothing is `stored` under its external id, else the row's changes onto the stored one.
/// `change` writes the row onto the profile it starts from (an empty one for a new profile),
/// or refuses it.
/// The caller owns the transaction (a savepoint, so a refused row leaves nothing behind).
pub async fn write<C: ConnectionTrait>(
    txn: &C,
    actor: &Principal,
    partner: Uuid,
    external_id: &str,
    stored: Option<&Stored>,
    change: impl FnOnce(&mut ClusterProfile) -> AppResult<()>,
) -> AppResult<Written> {
    match stored {
        None => {
            let mut profile = ClusterProfile::new(String::new(), ClusterKind::ClusterOrganisation, String::new());
            change(&mut profile)?;
            profile.represented_by_id = Some(partner);
            profile.validate()?;
            authorize_profile(actor, None, &mut profile)?;
            let model = insert(txn, actor, &profile, Some(external_id)).await?;
            Ok(Written::Created(model.id))
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
                return Ok(Written::Unchanged(stored.model.id));
            }
            let model = rewrite(txn, actor, &stored.model, &stored.profile, profile).await?;
            Ok(Written::Updated(model.id))
        }
    }
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
