//! DataLoaders: every nested field loads through here, so a page of N clusters with their members,
//! partnerships and partners costs one query per field, whatever N is.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{
    cluster, cluster_ecosystem, cluster_emerging_industry, cluster_technology, member, partner_organisation,
    partner_organisation_country, partnership, partnership_ecosystem, partnership_member, partnership_target_market,
    success_story, success_story_cluster,
    taxonomy::{Ecosystem, EmergingIndustry},
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::{domain::policy::Visibility, error::AppError};

/// One per request: it knows what the caller may see.
pub struct Loaders {
    db: DatabaseConnection,
    visibility: Visibility,
}

impl Loaders {
    pub fn new(db: DatabaseConnection, visibility: Visibility) -> Self {
        Self { db, visibility }
    }

    fn visible_clusters(&self, ids: impl IntoIterator<Item = Uuid>) -> sea_orm::Select<cluster::Entity> {
        cluster::Entity::find()
            .filter(cluster::Column::Id.is_in(ids))
            .filter(self.visibility.condition())
    }
}

/// Groups rows under the keys asked for; every key gets an entry, empty when nothing matched.
fn group<K, V>(keys: &[K], rows: impl IntoIterator<Item = (Uuid, V)>, wrap: fn(Uuid) -> K) -> HashMap<K, Vec<V>>
where
    K: std::hash::Hash + Eq + Clone,
{
    let mut map: HashMap<K, Vec<V>> = keys.iter().map(|k| (k.clone(), Vec::new())).collect();
    for (id, row) in rows {
        map.entry(wrap(id)).or_default().push(row);
    }
    map
}

macro_rules! keys {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub struct $name(pub Uuid);
        )+
    };
}

keys!(
    /// A cluster visible to the caller.
    ClusterById,
    MemberById,
    PartnershipById,
    StoryById,
    PartnerOrganisationById,
    /// The members of a cluster, by name.
    MembersOf,
    EcosystemsOf,
    EmergingIndustriesOf,
    TechnologiesOf,
    PartnerCountriesOf,
    SearchEcosystemsOf,
    SearchCountriesOf,
    /// The partnerships a cluster belongs to, by name.
    PartnershipsOf,
    /// The visible member clusters of a partnership, coordinator first.
    MembershipsOf,
    PartnershipEcosystemsOf,
    TargetMarketsOf,
    /// The success stories a cluster is part of, newest first.
    StoriesOf,
    /// The visible clusters a story involves, by name.
    StoryClustersOf,
    CountriesOf,
);

fn ids<K: Copy>(keys: &[K], f: fn(K) -> Uuid) -> Vec<Uuid> {
    keys.iter().map(|&k| f(k)).collect()
}

impl Loader<ClusterById> for Loaders {
    type Value = cluster::Model;
    type Error = AppError;

    async fn load(&self, keys: &[ClusterById]) -> Result<HashMap<ClusterById, Self::Value>, Self::Error> {
        let rows = self.visible_clusters(ids(keys, |k| k.0)).all(&self.db).await?;
        Ok(rows.into_iter().map(|m| (ClusterById(m.id), m)).collect())
    }
}

impl Loader<MemberById> for Loaders {
    type Value = member::Model;
    type Error = AppError;

    async fn load(&self, keys: &[MemberById]) -> Result<HashMap<MemberById, Self::Value>, Self::Error> {
        let rows = member::Entity::find()
            .filter(member::Column::Id.is_in(ids(keys, |k| k.0)))
            .all(&self.db)
            .await?;
        // A member is visible when its cluster is.
        let visible: std::collections::HashSet<Uuid> = self
            .visible_clusters(rows.iter().map(|m| m.cluster_id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        Ok(rows
            .into_iter()
            .filter(|m| visible.contains(&m.cluster_id))
            .map(|m| (MemberById(m.id), m))
            .collect())
    }
}

impl Loader<PartnershipById> for Loaders {
    type Value = partnership::Model;
    type Error = AppError;

    async fn load(&self, keys: &[PartnershipById]) -> Result<HashMap<PartnershipById, Self::Value>, Self::Error> {
        let rows = partnership::Entity::find()
            .filter(partnership::Column::Id.is_in(ids(keys, |k| k.0)))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|m| (PartnershipById(m.id), m)).collect())
    }
}

impl Loader<StoryById> for Loaders {
    type Value = success_story::Model;
    type Error = AppError;

    async fn load(&self, keys: &[StoryById]) -> Result<HashMap<StoryById, Self::Value>, Self::Error> {
        let rows = success_story::Entity::find()
            .filter(success_story::Column::Id.is_in(ids(keys, |k| k.0)))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|m| (StoryById(m.id), m)).collect())
    }
}

impl Loader<PartnerOrganisationById> for Loaders {
    type Value = partner_organisation::Model;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[PartnerOrganisationById],
    ) -> Result<HashMap<PartnerOrganisationById, Self::Value>, Self::Error> {
        let rows = partner_organisation::Entity::find()
            .filter(partner_organisation::Column::Id.is_in(ids(keys, |k| k.0)))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|m| (PartnerOrganisationById(m.id), m)).collect())
    }
}

impl Loader<MembersOf> for Loaders {
    type Value = Vec<member::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[MembersOf]) -> Result<HashMap<MembersOf, Self::Value>, Self::Error> {
        let rows = member::Entity::find()
            .filter(member::Column::ClusterId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(member::Column::Name)
            .order_by_asc(member::Column::Id)
            .all(&self.db)
            .await?;
        Ok(group(keys, rows.into_iter().map(|m| (m.cluster_id, m)), MembersOf))
    }
}

impl Loader<EcosystemsOf> for Loaders {
    type Value = Vec<Ecosystem>;
    type Error = AppError;

    async fn load(&self, keys: &[EcosystemsOf]) -> Result<HashMap<EcosystemsOf, Self::Value>, Self::Error> {
        let rows = cluster_ecosystem::Entity::find()
            .filter(cluster_ecosystem::Column::ClusterId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(cluster_ecosystem::Column::Ecosystem)
            .all(&self.db)
            .await?;
        Ok(group(
            keys,
            rows.into_iter().map(|r| (r.cluster_id, r.ecosystem)),
            EcosystemsOf,
        ))
    }
}

impl Loader<EmergingIndustriesOf> for Loaders {
    type Value = Vec<EmergingIndustry>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[EmergingIndustriesOf],
    ) -> Result<HashMap<EmergingIndustriesOf, Self::Value>, Self::Error> {
        let rows = cluster_emerging_industry::Entity::find()
            .filter(cluster_emerging_industry::Column::ClusterId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(cluster_emerging_industry::Column::EmergingIndustry)
            .all(&self.db)
            .await?;
        Ok(group(
            keys,
            rows.into_iter().map(|r| (r.cluster_id, r.emerging_industry)),
            EmergingIndustriesOf,
        ))
    }
}

impl Loader<TechnologiesOf> for Loaders {
    type Value = Vec<String>;
    type Error = AppError;

    async fn load(&self, keys: &[TechnologiesOf]) -> Result<HashMap<TechnologiesOf, Self::Value>, Self::Error> {
        let rows = cluster_technology::Entity::find()
            .filter(cluster_technology::Column::ClusterId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(cluster_technology::Column::Keyword)
            .all(&self.db)
            .await?;
        Ok(group(
            keys,
            rows.into_iter().map(|r| (r.cluster_id, r.keyword)),
            TechnologiesOf,
        ))
    }
}

impl Loader<PartnershipsOf> for Loaders {
    type Value = Vec<partnership::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[PartnershipsOf]) -> Result<HashMap<PartnershipsOf, Self::Value>, Self::Error> {
        let rows = partnership_member::Entity::find()
            .filter(partnership_member::Column::ClusterId.is_in(ids(keys, |k| k.0)))
            .find_also_related(partnership::Entity)
            .order_by_asc(partnership::Column::Name)
            .order_by_asc(partnership::Column::Id)
            .all(&self.db)
            .await?;
        Ok(group(
            keys,
            rows.into_iter().filter_map(|(m, p)| Some((m.cluster_id, p?))),
            PartnershipsOf,
        ))
    }
}

impl Loader<MembershipsOf> for Loaders {
    type Value = Vec<(partnership_member::Model, cluster::Model)>;
    type Error = AppError;

    async fn load(&self, keys: &[MembershipsOf]) -> Result<HashMap<MembershipsOf, Self::Value>, Self::Error> {
        let rows = partnership_member::Entity::find()
            .filter(partnership_member::Column::PartnershipId.is_in(ids(keys, |k| k.0)))
            .find_also_related(cluster::Entity)
            .filter(self.visibility.condition())
            .order_by_asc(partnership_member::Column::Role)
            .order_by_asc(cluster::Column::Name)
            .order_by_asc(cluster::Column::Id)
            .all(&self.db)
            .await?;
        Ok(group(
            keys,
            rows.into_iter().filter_map(|(m, c)| Some((m.partnership_id, (m, c?)))),
            MembershipsOf,
        ))
    }
}

impl Loader<PartnershipEcosystemsOf> for Loaders {
    type Value = Vec<Ecosystem>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[PartnershipEcosystemsOf],
    ) -> Result<HashMap<PartnershipEcosystemsOf, Self::Value>, Self::Error> {
        let rows = partnership_ecosystem::Entity::find()
            .filter(partnership_ecosystem::Column::PartnershipId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(partnership_ecosystem::Column::Ecosystem)
            .all(&self.db)
            .await?;
        Ok(group(
            keys,
            rows.into_iter().map(|r| (r.partnership_id, r.ecosystem)),
            PartnershipEcosystemsOf,
        ))
    }
}

impl Loader<TargetMarketsOf> for Loaders {
    type Value = Vec<String>;
    type Error = AppError;

    async fn load(&self, keys: &[TargetMarketsOf]) -> Result<HashMap<TargetMarketsOf, Self::Value>, Self::Error> {
        let rows = partnership_target_market::Entity::find()
            .filter(partnership_target_market::Column::PartnershipId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(partnership_target_market::Column::Country)
            .all(&self.db)
            .await?;
        Ok(group(
            keys,
            rows.into_iter().map(|r| (r.partnership_id, r.country)),
            TargetMarketsOf,
        ))
    }
}

impl Loader<StoriesOf> for Loaders {
    type Value = Vec<success_story::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[StoriesOf]) -> Result<HashMap<StoriesOf, Self::Value>, Self::Error> {
        let rows = success_story_cluster::Entity::find()
            .filter(success_story_cluster::Column::ClusterId.is_in(ids(keys, |k| k.0)))
            .find_also_related(success_story::Entity)
            .order_by_desc(success_story::Column::CreatedAt)
            .order_by_desc(success_story::Column::Id)
            .all(&self.db)
            .await?;
        Ok(group(
            keys,
            rows.into_iter().filter_map(|(link, s)| Some((link.cluster_id, s?))),
            StoriesOf,
        ))
    }
}

impl Loader<StoryClustersOf> for Loaders {
    type Value = Vec<cluster::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[StoryClustersOf]) -> Result<HashMap<StoryClustersOf, Self::Value>, Self::Error> {
        let rows = success_story_cluster::Entity::find()
            .filter(success_story_cluster::Column::SuccessStoryId.is_in(ids(keys, |k| k.0)))
            .find_also_related(cluster::Entity)
            .filter(self.visibility.condition())
            .order_by_asc(cluster::Column::Name)
            .order_by_asc(cluster::Column::Id)
            .all(&self.db)
            .await?;
        Ok(group(
            keys,
            rows.into_iter()
                .filter_map(|(link, c)| Some((link.success_story_id, c?))),
            StoryClustersOf,
        ))
    }
}

impl Loader<CountriesOf> for Loaders {
    type Value = Vec<String>;
    type Error = AppError;

    async fn load(&self, keys: &[CountriesOf]) -> Result<HashMap<CountriesOf, Self::Value>, Self::Error> {
        let rows = partner_organisation_country::Entity::find()
            .filter(partner_organisation_country::Column::PartnerOrganisationId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(partner_organisation_country::Column::Country)
            .all(&self.db)
            .await?;
        Ok(group(
            keys,
            rows.into_iter().map(|r| (r.partner_organisation_id, r.country)),
            CountriesOf,
        ))
    }
}

impl Loader<PartnerCountriesOf> for Loaders {
    type Value = Vec<String>;
    type Error = AppError;

    async fn load(&self, keys: &[PartnerCountriesOf]) -> Result<HashMap<PartnerCountriesOf, Self::Value>, Self::Error> {
        let rows = entity::cluster_partner_country::Entity::find()
            .filter(entity::cluster_partner_country::Column::ClusterId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(entity::cluster_partner_country::Column::Country)
            .all(&self.db)
            .await?;
        Ok(group(
            keys,
            rows.into_iter().map(|r| (r.cluster_id, r.country)),
            PartnerCountriesOf,
        ))
    }
}

impl Loader<SearchEcosystemsOf> for Loaders {
    type Value = Vec<Ecosystem>;
    type Error = AppError;

    async fn load(&self, keys: &[SearchEcosystemsOf]) -> Result<HashMap<SearchEcosystemsOf, Self::Value>, Self::Error> {
        use entity::partner_search_ecosystem as pse;
        let rows = pse::Entity::find()
            .filter(pse::Column::PartnerSearchId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(pse::Column::Ecosystem)
            .all(&self.db)
            .await?;
        Ok(group(
            keys,
            rows.into_iter().map(|r| (r.partner_search_id, r.ecosystem)),
            SearchEcosystemsOf,
        ))
    }
}

impl Loader<SearchCountriesOf> for Loaders {
    type Value = Vec<String>;
    type Error = AppError;

    async fn load(&self, keys: &[SearchCountriesOf]) -> Result<HashMap<SearchCountriesOf, Self::Value>, Self::Error> {
        use entity::partner_search_country as psc;
        let rows = psc::Entity::find()
            .filter(psc::Column::PartnerSearchId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(psc::Column::Country)
            .all(&self.db)
            .await?;
        Ok(group(
            keys,
            rows.into_iter().map(|r| (r.partner_search_id, r.country)),
            SearchCountriesOf,
        ))
    }
}
