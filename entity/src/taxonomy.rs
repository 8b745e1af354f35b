//! Closed vocabularies stored as text codes, so that SQLite and PostgreSQL share one schema and a
//! new value needs no type migration.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
        pub enum $name {
            $(#[sea_orm(string_value = $code)] $variant,)+
        }
    };
}

text_enum!(
    /// What sort of organisation a cluster profile describes.
    ClusterKind {
        ClusterOrganisation = "CLUSTER_ORGANISATION",
        NationalClusterOrganisation = "NATIONAL_CLUSTER_ORGANISATION",
        IndustryAssociation = "INDUSTRY_ASSOCIATION",
        University = "UNIVERSITY",
        ResearchCentre = "RESEARCH_CENTRE",
        ThinkTank = "THINK_TANK",
        Project = "PROJECT",
    }
);

text_enum!(
    /// The 14 industrial ecosystems of the EU industrial strategy.
    Ecosystem {
        AerospaceDefence = "AEROSPACE_DEFENCE",
        AgriFood = "AGRI_FOOD",
        Construction = "CONSTRUCTION",
        CulturalCreative = "CULTURAL_CREATIVE",
        Digital = "DIGITAL",
        Electronics = "ELECTRONICS",
        EnergyIntensive = "ENERGY_INTENSIVE",
        EnergyRenewables = "ENERGY_RENEWABLES",
        Health = "HEALTH",
        MobilityTransportAutomotive = "MOBILITY_TRANSPORT_AUTOMOTIVE",
        ProximitySocialEconomy = "PROXIMITY_SOCIAL_ECONOMY",
        Retail = "RETAIL",
        Textiles = "TEXTILES",
        Tourism = "TOURISM",
    }
);

text_enum!(
    /// The emerging industries of the European Cluster Collaboration Platform.
    EmergingIndustry {
        AdvancedPackaging = "ADVANCED_PACKAGING",
        Biopharmaceuticals = "BIOPHARMACEUTICALS",
        BlueGrowth = "BLUE_GROWTH",
        CreativeIndustries = "CREATIVE_INDUSTRIES",
        DigitalIndustries = "DIGITAL_INDUSTRIES",
        EnvironmentalIndustries = "ENVIRONMENTAL_INDUSTRIES",
        ExperienceIndustries = "EXPERIENCE_INDUSTRIES",
        LogisticalServices = "LOGISTICAL_SERVICES",
        MedicalDevices = "MEDICAL_DEVICES",
        MobilityTechnologies = "MOBILITY_TECHNOLOGIES",
    }
);

text_enum!(
    /// Cluster management excellence label.
    ClusterLabel {
        None = "NONE",
        Bronze = "BRONZE",
        Silver = "SILVER",
        Gold = "GOLD",
    }
);

text_enum!(
    /// Life cycle of a cluster profile.
    ClusterStatus {
        Draft = "DRAFT",
        NeedsReview = "NEEDS_REVIEW",
        Published = "PUBLISHED",
        Archived = "ARCHIVED",
    }
);

text_enum!(
    /// Size of a cluster's management team.
    StaffBand {
        OneToTwo = "ONE_TO_TWO",
        ThreeToFive = "THREE_TO_FIVE",
        SixToTen = "SIX_TO_TEN",
        MoreThanTen = "MORE_THAN_TEN",
    }
);

text_enum!(
    /// What sort of organisation a cluster member is.
    MemberKind {
        Sme = "SME",
        StartUp = "START_UP",
        LargeCompany = "LARGE_COMPANY",
        University = "UNIVERSITY",
        ResearchOrganisation = "RESEARCH_ORGANISATION",
        PublicBody = "PUBLIC_BODY",
        Other = "OTHER",
    }
);

text_enum!(
    /// Programme or instrument a partnership belongs to.
    PartnershipKind {
        Escp4i = "ESCP_4I",
        EscpS3 = "ESCP_S3",
        Escp4x = "ESCP_4X",
        Eurocluster = "EUROCLUSTER",
        CooperationAgreement = "COOPERATION_AGREEMENT",
        Mou = "MOU",
    }
);

text_enum!(
    /// Life cycle of a partnership.
    PartnershipStatus {
        Proposed = "PROPOSED",
        Active = "ACTIVE",
        Completed = "COMPLETED",
    }
);

text_enum!(
    /// Part a cluster plays in a partnership.
    PartnershipRole {
        Coordinator = "COORDINATOR",
        Partner = "PARTNER",
    }
);

text_enum!(
    /// Whether a cluster has taken up its place in a partnership.
    InvitationState {
        Invited = "INVITED",
        Accepted = "ACCEPTED",
        Declined = "DECLINED",
    }
);

text_enum!(
    /// What a cooperation led to.
    SuccessStoryOutcome {
        LetterOfInterest = "LETTER_OF_INTEREST",
        Mou = "MOU",
        JointRAndD = "JOINT_R_AND_D",
        Investment = "INVESTMENT",
        JointVenture = "JOINT_VENTURE",
        Trade = "TRADE",
    }
);

text_enum!(
    /// What a user may do; see the policy module for the rules.
    Role {
        User = "USER",
        ClusterManager = "CLUSTER_MANAGER",
        Partner = "PARTNER",
        Admin = "ADMIN",
    }
);

text_enum!(
    /// Whether a partner search offers cooperation or asks for it.
    PartnerSearchKind {
        Offer = "OFFER",
        Request = "REQUEST",
    }
);

text_enum!(
    /// Who made a change the audit log records.
    AuditActorKind {
        User = "USER",
        ApiKey = "API_KEY",
        External = "EXTERNAL",
        Operator = "OPERATOR",
        Anonymous = "ANONYMOUS",
    }
);

text_enum!(
    /// The kind of record an audit entry is about. Stored as the GraphQL type name that the
    /// entry's global entity ID is encoded with, as it was before this became an enum.
    AuditEntityType {
        Cluster = "Cluster",
        Member = "Member",
        Partnership = "Partnership",
        SuccessStory = "SuccessStory",
        PartnerSearch = "PartnerSearch",
        User = "User",
        Invitation = "Invitation",
        ApiKey = "ApiKey",
        PersistedDocument = "PersistedDocument",
        MatchmakingEvent = "MatchmakingEvent",
        EventParticipant = "EventParticipant",
        Meeting = "Meeting",
        Post = "Post",
        OutboxMail = "OutboxMail",
        DigestIssue = "DigestIssue",
        DigestSubscriber = "DigestSubscriber",
        WebhookEndpoint = "WebhookEndpoint",
        WebhookDelivery = "WebhookDelivery",
    }
);

text_enum!(
    /// What a change recorded in the audit log did.
    AuditAction {
        Create = "CREATE",
        Update = "UPDATE",
        Delete = "DELETE",
        SubmitForReview = "SUBMIT_FOR_REVIEW",
        Publish = "PUBLISH",
        Reject = "REJECT",
        AddMember = "ADD_MEMBER",
        RemoveMember = "REMOVE_MEMBER",
        AcceptInvitation = "ACCEPT_INVITATION",
        DeclineInvitation = "DECLINE_INVITATION",
        ExpressInterest = "EXPRESS_INTEREST",
        GrantRole = "GRANT_ROLE",
        RevokeRole = "REVOKE_ROLE",
        Invite = "INVITE",
        Accept = "ACCEPT",
        ChangePassword = "CHANGE_PASSWORD",
        VerifyEmail = "VERIFY_EMAIL",
        ResetPassword = "RESET_PASSWORD",
        Revoke = "REVOKE",
        Trust = "TRUST",
        ConfirmCluster = "CONFIRM_CLUSTER",
        DeclineCluster = "DECLINE_CLUSTER",
        Open = "OPEN",
        Close = "CLOSE",
        Finish = "FINISH",
        Cancel = "CANCEL",
        Register = "REGISTER",
        Approve = "APPROVE",
        Request = "REQUEST",
        Decline = "DECLINE",
        Pin = "PIN",
        Unpin = "UNPIN",
        Schedule = "SCHEDULE",
        RecordOutcome = "RECORD_OUTCOME",
        Unpublish = "UNPUBLISH",
        Retry = "RETRY",
        Build = "BUILD",
        Subscribe = "SUBSCRIBE",
        Confirm = "CONFIRM",
        Unsubscribe = "UNSUBSCRIBE",
        RotateSecret = "ROTATE_SECRET",
        Disable = "DISABLE",
    }
);

text_enum!(
    /// Where a matchmaking event stands: DRAFT → OPEN → CLOSED → SCHEDULED → FINISHED, or
    /// CANCELLED from any but FINISHED.
    MatchmakingEventStatus {
        Draft = "DRAFT",
        Open = "OPEN",
        Closed = "CLOSED",
        Scheduled = "SCHEDULED",
        Finished = "FINISHED",
        Cancelled = "CANCELLED",
    }
);

text_enum!(
    /// Who takes part in a matchmaking event: a cluster, or a business or other organisation.
    ParticipantKind {
        Cluster = "CLUSTER",
        Business = "BUSINESS",
    }
);

text_enum!(
    /// Whether the organisers let a participant take part.
    ParticipantStatus {
        Pending = "PENDING",
        Approved = "APPROVED",
        Rejected = "REJECTED",
    }
);

text_enum!(
    /// Who meets whom: cluster and cluster, cluster and business, business and business.
    MeetingKind {
        C2c = "C2C",
        C2b = "C2B",
        B2b = "B2B",
    }
);

text_enum!(
    /// Where a meeting request stands. A scheduled meeting is an ACCEPTED one with a slot.
    MeetingState {
        Requested = "REQUESTED",
        Accepted = "ACCEPTED",
        Declined = "DECLINED",
        Cancelled = "CANCELLED",
    }
);

text_enum!(
    /// What came of a held meeting, from nothing to a joint project.
    MeetingOutcomeKind {
        None = "NONE",
        FollowUp = "FOLLOW_UP",
        LetterOfInterest = "LETTER_OF_INTEREST",
        Mou = "MOU",
        JointProject = "JOINT_PROJECT",
    }
);

text_enum!(
    /// What a cluster's post is: news, an event (with dates and a place), or a call for
    /// proposals (with a deadline).
    PostKind {
        News = "NEWS",
        Event = "EVENT",
        Call = "CALL",
    }
);

text_enum!(
    /// Where a success story stands: DRAFT → SUBMITTED → PUBLISHED; a moderator returns a
    /// submitted or published story to DRAFT with a note.
    SuccessStoryStatus {
        Draft = "DRAFT",
        Submitted = "SUBMITTED",
        Published = "PUBLISHED",
    }
);

text_enum!(
    /// Where a post stands: DRAFT → PUBLISHED; a moderator takes a published post down
    /// (UNPUBLISHED) with a reason.
    PostStatus {
        Draft = "DRAFT",
        Published = "PUBLISHED",
        Unpublished = "UNPUBLISHED",
    }
);
