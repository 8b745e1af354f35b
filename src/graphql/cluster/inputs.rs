//! What clients send to write a profile: the whole profile to create one, the changed fields to
//! update one, and the review steps; each turned into the domain's `ClusterProfile`.

use async_graphql::{InputObject, MaybeUndefined, ID};
use uuid::Uuid;

use super::object::Location;
use crate::{
    domain::cluster::{self as domain, ClusterProfile},
    error::{AppError, AppResult},
    graphql::{
        enums::{to_entity, ClusterKind, ClusterLabel, ClusterStatus, Ecosystem, EmergingIndustry, StaffBand},
        node, partner_organisation,
        scalars::Date,
    },
};

/// How many organisations a cluster has; the kinds must add up to no more than the total. Counts are zero or more.
#[derive(InputObject, Clone, Copy)]
pub struct MemberCountsInput {
    /// All members.
    pub total: i32,
    /// Small and medium-sized enterprises; 0 when left out.
    #[graphql(default)]
    pub sme: i32,
    /// Start-ups; 0 when left out.
    #[graphql(default)]
    pub start_up: i32,
    /// Large companies; 0 when left out.
    #[graphql(default)]
    pub large_company: i32,
    /// Universities and research organisations; 0 when left out.
    #[graphql(default)]
    pub research: i32,
    /// Members of any other kind; 0 when left out.
    #[graphql(default)]
    pub other: i32,
}

impl From<MemberCountsInput> for domain::MemberCounts {
    fn from(c: MemberCountsInput) -> Self {
        Self {
            total: c.total,
            sme: c.sme,
            start_up: c.start_up,
            large_company: c.large_company,
            research: c.research,
            other: c.other,
        }
    }
}

/// How to reach a cluster; shown to signed-in users only.
#[derive(InputObject, Clone)]
pub struct ContactInput {
    /// The person to ask for.
    pub person: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Telephone number.
    pub phone: Option<String>,
}

impl From<ContactInput> for domain::Contact {
    fn from(c: ContactInput) -> Self {
        Self {
            person: c.person,
            email: c.email,
            phone: c.phone,
        }
    }
}

/// A new cluster profile. Administrators register one anywhere, partners in their countries.
#[derive(InputObject)]
pub struct CreateClusterInput {
    /// Generated from the name when left out.
    pub slug: Option<String>,
    /// Name in English; trimmed, not empty.
    pub name: String,
    /// Name in the organisation's own language.
    pub local_name: Option<String>,
    /// Short name.
    pub acronym: Option<String>,
    /// What sort of organisation this is.
    pub kind: ClusterKind,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// Region within the country.
    pub region: Option<String>,
    /// City of the cluster's office.
    pub city: Option<String>,
    /// Website: an http(s) URL.
    pub website: Option<String>,
    /// What the cluster does and offers; plain text.
    pub description: Option<String>,
    /// The language `description` is written in: a BCP 47 tag (`en`, `zh-Hant`, `zh-TW` …),
    /// stored in canonical form; `en` when left out. Other languages are added with
    /// `setClusterTranslation`.
    pub language: Option<String>,
    /// Year founded, from 1800 to this year.
    pub founded_year: Option<i32>,
    /// Size of the management team.
    pub management_staff: Option<StaffBand>,
    /// Member organisations by kind; all zero when left out.
    pub member_counts: Option<MemberCountsInput>,
    /// EU industrial ecosystems the cluster works in.
    pub ecosystems: Option<Vec<Ecosystem>>,
    /// Emerging industries the cluster works in.
    pub emerging_industries: Option<Vec<EmergingIndustry>>,
    /// Technology keywords, e.g. "5G", "composites".
    pub technologies: Option<Vec<String>>,
    /// Target countries: ISO 3166-1 alpha-2 codes of the countries the cluster seeks partners in.
    pub target_countries: Option<Vec<String>>,
    /// Cluster management excellence label; NONE when left out.
    pub label: Option<ClusterLabel>,
    /// Last day the label is valid.
    pub label_expires_on: Option<Date>,
    /// DRAFT unless given.
    pub status: Option<ClusterStatus>,
    /// A partner organisation's ID.
    pub represented_by_id: Option<ID>,
    /// How to reach the cluster; shown to signed-in users only.
    pub contact: Option<ContactInput>,
    /// Where the cluster's office is.
    pub location: Option<Location>,
}

impl CreateClusterInput {
    pub(super) fn into_profile(self) -> AppResult<ClusterProfile> {
        let input = self;
        let mut p = ClusterProfile::new(input.name, input.kind.into(), input.country);
        p.slug = input.slug;
        p.local_name = input.local_name;
        p.acronym = input.acronym;
        p.region = input.region;
        p.city = input.city;
        p.website = input.website;
        p.description = input.description;
        if let Some(language) = input.language {
            p.language = language;
        }
        p.founded_year = input.founded_year;
        p.management_staff = input.management_staff.map(Into::into);
        p.member_counts = input.member_counts.map(Into::into).unwrap_or_default();
        p.ecosystems = to_entity(input.ecosystems);
        p.emerging_industries = to_entity(input.emerging_industries);
        p.technologies = input.technologies.unwrap_or_default();
        p.target_countries = input.target_countries.unwrap_or_default();
        p.label = input
            .label
            .map(Into::into)
            .unwrap_or(entity::taxonomy::ClusterLabel::None);
        p.label_expires_on = input.label_expires_on.map(Into::into);
        p.status = input
            .status
            .map(Into::into)
            .unwrap_or(entity::taxonomy::ClusterStatus::Draft);
        p.represented_by_id = input.represented_by_id.as_ref().map(partner_id).transpose()?;
        p.contact = input.contact.map(Into::into).unwrap_or_default();
        p.latitude = input.location.map(|l| l.latitude);
        p.longitude = input.location.map(|l| l.longitude);
        Ok(p)
    }
}

/// The profiles of `registerClusters`; a problem names its row: `clusters[3].country`.
pub(super) fn into_profiles(clusters: Vec<CreateClusterInput>) -> AppResult<Vec<ClusterProfile>> {
    clusters
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            c.into_profile().map_err(|e| match e {
                AppError::BadUserInput { fields, .. } => {
                    AppError::bad_field(format!("clusters[{i}].{}", fields[0].field), fields[0].message.clone())
                }
                other => other,
            })
        })
        .collect()
}

/// Many new profiles, registered together or not at all.
#[derive(InputObject)]
pub struct RegisterClustersInput {
    /// Up to 500 profiles.
    pub clusters: Vec<CreateClusterInput>,
}

/// The profile to submit for review.
#[derive(InputObject)]
pub struct ReviewClusterInput {
    /// The cluster's global ID.
    pub id: ID,
    /// The `version` you read; a newer one on the server means someone else changed the profile (CONFLICT).
    pub version: i32,
}

/// The profile to publish.
#[derive(InputObject)]
pub struct PublishClusterInput {
    /// The cluster's global ID.
    pub id: ID,
    /// The `version` you read; a newer one on the server means someone else changed the profile (CONFLICT).
    pub version: i32,
    /// Publish although the platform's rules are not met, for this reason.
    pub waiver_reason: Option<String>,
}

/// The profile to send back to its editors.
#[derive(InputObject)]
pub struct RejectClusterInput {
    /// The cluster's global ID.
    pub id: ID,
    /// The `version` you read; a newer one on the server means someone else changed the profile (CONFLICT).
    pub version: i32,
    /// What the editors should change; they read it in `reviewNote`.
    pub reason: String,
}

/// Changes to a profile. Left-out fields stay as they are; null clears an optional field.
#[derive(InputObject)]
pub struct UpdateClusterInput {
    /// The cluster's global ID.
    pub id: ID,
    /// The `version` you read; a newer one on the server means someone else changed the profile.
    pub version: i32,
    /// New slug: lower-case letters, digits and hyphens, unique.
    pub slug: Option<String>,
    /// Name in English; trimmed, not empty.
    pub name: Option<String>,
    /// Name in the organisation's own language.
    pub local_name: MaybeUndefined<String>,
    /// Short name.
    pub acronym: MaybeUndefined<String>,
    /// What sort of organisation this is.
    pub kind: Option<ClusterKind>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Region within the country.
    pub region: MaybeUndefined<String>,
    /// City of the cluster's office.
    pub city: MaybeUndefined<String>,
    /// Website: an http(s) URL.
    pub website: MaybeUndefined<String>,
    /// What the cluster does and offers; plain text.
    pub description: MaybeUndefined<String>,
    /// The language `description` is written in (BCP 47 tag); not one the cluster has a
    /// translation in.
    pub language: Option<String>,
    /// Year founded, from 1800 to this year.
    pub founded_year: MaybeUndefined<i32>,
    /// Size of the management team.
    pub management_staff: MaybeUndefined<StaffBand>,
    /// Member organisations by kind; replaces all counts.
    pub member_counts: Option<MemberCountsInput>,
    /// EU industrial ecosystems; replaces the list.
    pub ecosystems: Option<Vec<Ecosystem>>,
    /// Emerging industries; replaces the list.
    pub emerging_industries: Option<Vec<EmergingIndustry>>,
    /// Technology keywords; replaces the list.
    pub technologies: Option<Vec<String>>,
    /// Target countries: ISO 3166-1 alpha-2 codes of the countries the cluster seeks partners in; replaces the list.
    pub target_countries: Option<Vec<String>>,
    /// Cluster management excellence label.
    pub label: Option<ClusterLabel>,
    /// Last day the label is valid.
    pub label_expires_on: MaybeUndefined<Date>,
    /// Sets the status directly instead of through review: administrators only.
    pub status: Option<ClusterStatus>,
    /// A partner organisation's global ID.
    pub represented_by_id: MaybeUndefined<ID>,
    /// How to reach the cluster; null removes every contact detail.
    pub contact: MaybeUndefined<ContactInput>,
    /// Where the cluster's office is.
    pub location: MaybeUndefined<Location>,
}

impl UpdateClusterInput {
    /// Writes the changes onto the stored profile; `represented_by` is `representedById` decoded.
    pub(super) fn apply(self, p: &mut ClusterProfile, represented_by: MaybeUndefined<Uuid>) {
        let input = self;
        if let Some(slug) = input.slug {
            p.slug = Some(slug);
        }
        if let Some(name) = input.name {
            p.name = name;
        }
        patch(&mut p.local_name, input.local_name);
        patch(&mut p.acronym, input.acronym);
        if let Some(kind) = input.kind {
            p.kind = kind.into();
        }
        if let Some(country) = input.country {
            p.country = country;
        }
        patch(&mut p.region, input.region);
        patch(&mut p.city, input.city);
        patch(&mut p.website, input.website);
        patch(&mut p.description, input.description);
        if let Some(language) = input.language {
            p.language = language;
        }
        patch(&mut p.founded_year, input.founded_year);
        patch(&mut p.management_staff, input.management_staff.map_value(Into::into));
        if let Some(counts) = input.member_counts {
            p.member_counts = counts.into();
        }
        if input.ecosystems.is_some() {
            p.ecosystems = to_entity(input.ecosystems);
        }
        if input.emerging_industries.is_some() {
            p.emerging_industries = to_entity(input.emerging_industries);
        }
        if let Some(technologies) = input.technologies {
            p.technologies = technologies;
        }
        if let Some(countries) = input.target_countries {
            p.target_countries = countries;
        }
        if let Some(label) = input.label {
            p.label = label.into();
        }
        patch(&mut p.label_expires_on, input.label_expires_on.map_value(Into::into));
        if let Some(status) = input.status {
            p.status = status.into();
        }
        patch(&mut p.represented_by_id, represented_by);
        match input.contact {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => p.contact = Default::default(),
            MaybeUndefined::Value(c) => p.contact = c.into(),
        }
        match input.location {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => (p.latitude, p.longitude) = (None, None),
            MaybeUndefined::Value(l) => (p.latitude, p.longitude) = (Some(l.latitude), Some(l.longitude)),
        }
    }
}

/// The profile to delete.
#[derive(InputObject)]
pub struct DeleteClusterInput {
    /// The cluster's global ID.
    pub id: ID,
}

/// Writes a `MaybeUndefined` onto an optional field: undefined keeps, null clears.
pub(crate) fn patch<T>(target: &mut Option<T>, value: MaybeUndefined<T>) {
    match value {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => *target = None,
        MaybeUndefined::Value(v) => *target = Some(v),
    }
}

fn partner_id(id: &ID) -> AppResult<Uuid> {
    node::decode("representedById", id, partner_organisation::TYPE_NAME)
}
