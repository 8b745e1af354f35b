//! GraphQL faces of the taxonomies. `remote` generates the conversions to and from the entity
//! enums, so the two lists cannot drift apart without a compile error.

use async_graphql::Enum;
use entity::taxonomy as t;

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::ClusterKind")]
pub enum ClusterKind {
    ClusterOrganisation,
    NationalClusterOrganisation,
    IndustryAssociation,
    University,
    ResearchCentre,
    ThinkTank,
    Project,
}

/// The 14 industrial ecosystems of the EU industrial strategy.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::Ecosystem")]
pub enum Ecosystem {
    AerospaceDefence,
    AgriFood,
    Construction,
    CulturalCreative,
    Digital,
    Electronics,
    EnergyIntensive,
    EnergyRenewables,
    Health,
    MobilityTransportAutomotive,
    ProximitySocialEconomy,
    Retail,
    Textiles,
    Tourism,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::EmergingIndustry")]
pub enum EmergingIndustry {
    AdvancedPackaging,
    Biopharmaceuticals,
    BlueGrowth,
    CreativeIndustries,
    DigitalIndustries,
    EnvironmentalIndustries,
    ExperienceIndustries,
    LogisticalServices,
    MedicalDevices,
    MobilityTechnologies,
}

/// Cluster management excellence label.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::ClusterLabel")]
pub enum ClusterLabel {
    None,
    Bronze,
    Silver,
    Gold,
}

/// DRAFT → NEEDS_REVIEW → PUBLISHED → ARCHIVED. Only published profiles are public.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::ClusterStatus")]
pub enum ClusterStatus {
    Draft,
    NeedsReview,
    Published,
    Archived,
}

/// Size of a cluster's management team.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::StaffBand")]
pub enum StaffBand {
    OneToTwo,
    ThreeToFive,
    SixToTen,
    MoreThanTen,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::MemberKind")]
pub enum MemberKind {
    Sme,
    StartUp,
    LargeCompany,
    University,
    ResearchOrganisation,
    PublicBody,
    Other,
}

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
    Eurocluster,
    CooperationAgreement,
    /// Memorandum of understanding.
    Mou,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::PartnershipStatus")]
pub enum PartnershipStatus {
    Proposed,
    Active,
    Completed,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::PartnershipRole")]
pub enum PartnershipRole {
    Coordinator,
    Partner,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::InvitationState")]
pub enum InvitationState {
    Invited,
    Accepted,
    Declined,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::StoryOutcome")]
pub enum StoryOutcome {
    LetterOfInterest,
    Mou,
    #[graphql(name = "JOINT_R_AND_D")]
    JointRAndD,
    Investment,
    JointVenture,
    Trade,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum OrderDirection {
    #[default]
    Asc,
    Desc,
}

/// Converts a list of GraphQL enum values into their entity counterparts.
pub fn to_entity<G: Copy + Into<E>, E>(values: Option<Vec<G>>) -> Vec<E> {
    values.unwrap_or_default().into_iter().map(Into::into).collect()
}
