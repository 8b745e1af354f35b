//! GraphQL faces of the taxonomies. `remote` generates the conversions to and from the entity
//! enums, so the two lists cannot drift apart without a compile error.

use async_graphql::Enum;
use entity::taxonomy as t;

/// What sort of organisation a cluster profile describes.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::ClusterKind")]
pub enum ClusterKind {
    /// An organisation that manages an industrial cluster of companies, research and public bodies.
    ClusterOrganisation,
    /// A national organisation of clusters, e.g. a country's cluster association.
    NationalClusterOrganisation,
    /// An industry or trade association.
    IndustryAssociation,
    /// A university.
    University,
    /// A research and technology organisation.
    ResearchCentre,
    /// A think tank or policy institute.
    ThinkTank,
    /// A funded project run by several organisations.
    Project,
}

/// The 14 industrial ecosystems of the EU industrial strategy.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::Ecosystem")]
pub enum Ecosystem {
    /// Aerospace and defence.
    AerospaceDefence,
    /// Agriculture and food.
    AgriFood,
    /// Construction.
    Construction,
    /// Cultural and creative industries.
    CulturalCreative,
    /// Digital industries.
    Digital,
    /// Electronics.
    Electronics,
    /// Energy-intensive industries: steel, chemicals, paper, cement, glass and the like.
    EnergyIntensive,
    /// Renewable energy.
    EnergyRenewables,
    /// Health.
    Health,
    /// Mobility, transport and automotive.
    MobilityTransportAutomotive,
    /// Proximity, social economy and civil security.
    ProximitySocialEconomy,
    /// Retail.
    Retail,
    /// Textiles.
    Textiles,
    /// Tourism.
    Tourism,
}

/// The 10 emerging industries of the European Cluster Collaboration Platform: new value chains across ecosystems.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::EmergingIndustry")]
pub enum EmergingIndustry {
    /// Advanced packaging.
    AdvancedPackaging,
    /// Biopharmaceuticals.
    Biopharmaceuticals,
    /// Blue growth: the sustainable economy of seas and oceans.
    BlueGrowth,
    /// Creative industries.
    CreativeIndustries,
    /// Digital industries.
    DigitalIndustries,
    /// Environmental industries.
    EnvironmentalIndustries,
    /// Experience industries, e.g. tourism and leisure.
    ExperienceIndustries,
    /// Logistical services.
    LogisticalServices,
    /// Medical devices.
    MedicalDevices,
    /// Mobility technologies.
    MobilityTechnologies,
}

/// Cluster management excellence label.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::ClusterLabel")]
pub enum ClusterLabel {
    /// No label.
    None,
    /// Bronze label: the cluster took part in a benchmarking of its management.
    Bronze,
    /// Silver label: the cluster works towards excellence after a benchmarking.
    Silver,
    /// Gold label: cluster management excellence, after an assessment.
    Gold,
}

/// DRAFT → NEEDS_REVIEW → PUBLISHED → ARCHIVED. Only published profiles are public.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::ClusterStatus")]
pub enum ClusterStatus {
    /// Being written; seen only by those who may edit it.
    Draft,
    /// Submitted: waits for the cluster's partner or the secretariat to publish or reject it.
    NeedsReview,
    /// Public: listed in the directory and seen by everyone.
    Published,
    /// No longer active; kept for the record and seen only by those who may edit it.
    Archived,
}

/// Size of a cluster's management team.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::StaffBand")]
pub enum StaffBand {
    /// One or two people.
    OneToTwo,
    /// Three to five people.
    ThreeToFive,
    /// Six to ten people.
    SixToTen,
    /// More than ten people.
    MoreThanTen,
}

/// What sort of organisation a cluster member is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::MemberKind")]
pub enum MemberKind {
    /// A small or medium-sized enterprise (fewer than 250 staff).
    Sme,
    /// A young company with a new product or business model.
    StartUp,
    /// A company with 250 staff or more.
    LargeCompany,
    /// A university.
    University,
    /// A research and technology organisation.
    ResearchOrganisation,
    /// A public authority or agency.
    PublicBody,
    /// Any other organisation.
    Other,
}

/// The form of a partnership between clusters.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::PartnershipKind")]
pub enum PartnershipKind {
    /// European Strategic Cluster Partnership for going international.
    #[graphql(name = "ESCP_4I")]
    Escp4i,
    /// European Strategic Cluster Partnership for smart specialisation investments.
    #[graphql(name = "ESCP_S3")]
    EscpS3,
    /// European Strategic Cluster Partnership for excellence.
    #[graphql(name = "ESCP_4X")]
    Escp4x,
    /// A Eurocluster: a cross-border cluster partnership funded by the Single Market Programme.
    Eurocluster,
    /// A bilateral or multilateral cooperation agreement.
    CooperationAgreement,
    /// Memorandum of understanding.
    Mou,
}

/// Where a partnership stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::PartnershipStatus")]
pub enum PartnershipStatus {
    /// Proposed: not yet started.
    Proposed,
    /// Running.
    Active,
    /// Ended.
    Completed,
}

/// A cluster's role in a partnership.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::PartnershipRole")]
pub enum PartnershipRole {
    /// Leads the partnership; its editors decide about the partnership as a whole (every member's
    /// editors do while no cluster coordinates).
    Coordinator,
    /// Takes part.
    Partner,
}

/// Whether a cluster accepted its seat in a partnership.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::InvitationState")]
pub enum InvitationState {
    /// Invited; the cluster has not answered yet.
    Invited,
    /// A member of the partnership.
    Accepted,
    /// Said no.
    Declined,
}

/// Where a success story stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::SuccessStoryStatus")]
pub enum SuccessStoryStatus {
    /// Being written, or returned by a moderator with a `moderationNote`; seen by its author,
    /// the editors and moderators of the clusters it names only.
    Draft,
    /// Waiting for a moderator (the partner of a named cluster's country, or an administrator)
    /// to publish or return it; seen as a draft is.
    Submitted,
    /// Public; on each named cluster once that cluster confirmed it.
    Published,
}

/// What a cooperation between clusters led to.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::SuccessStoryOutcome")]
pub enum SuccessStoryOutcome {
    /// A letter of interest.
    LetterOfInterest,
    /// A memorandum of understanding.
    Mou,
    /// Joint research and development.
    #[graphql(name = "JOINT_R_AND_D")]
    JointRAndD,
    /// An investment.
    Investment,
    /// A joint venture.
    JointVenture,
    /// Trade between the clusters' members.
    Trade,
}

/// Ascending or descending order.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum OrderDirection {
    /// Smallest, earliest or A first.
    #[default]
    Asc,
    /// Largest, latest or Z first.
    Desc,
}

/// Converts a list of GraphQL enum values into their entity counterparts.
pub fn to_entity<G: Copy + Into<E>, E>(values: Option<Vec<G>>) -> Vec<E> {
    values.unwrap_or_default().into_iter().map(Into::into).collect()
}
