//! The life of a report (vòng đời của đơn): its statuses, the actions that move it, who may take
//! each and from where. Defined once, here: the server refuses an illegal transition with
//! [`transition`], and the web app offers only the actions [`allowed_actions`] returns.
//!
//! ```text
//! received ──accept──▶ accepted ──assign/start──▶ in_progress ──answer──▶ answered ──close──▶ closed
//!    │  └─decline──▶ declined                                               │   ▲ citizen: satisfied
//!    ├─forward──▶ forwarded (also from accepted, escalated)                 │
//!    └─escalate──▶ escalated (overdue job, or the head; from any open status)
//! answered/closed ──citizen reopens once──▶ reopened ──start/assign/answer──▶ …
//! answered/closed ──citizen appeals once──▶ escalated (to the superior unit)
//! open statuses ──citizen withdraws──▶ withdrawn (a denunciation may still be taken up, art. 33)
//! ```
//!
//! Extending a deadline is not a status: it is a decision recorded on the timeline (with a
//! reason), capped by [`crate::calendar::DeadlineRules`]. So is the head's decision that a
//! complaint is complex (Law on Complaints 2011, art. 28: 45 days instead of 30, 60 instead of
//! 45 in remote areas), taken once, public to the citizen because the date changes.

use crate::calendar::{DeadlineRules, Stage};
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Msg};
use crate::report::ReportKind;
use crate::Lang;
use serde::{Deserialize, Serialize};
use std::fmt;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

labelled_enum! {
    /// Where a report stands. Stored as `as_str()`.
    ReportStatus {
        Received = "received", "Đã tiếp nhận", "Received";
        Accepted = "accepted", "Đã thụ lý", "Accepted for handling";
        Declined = "declined", "Không thụ lý", "Declined";
        InProgress = "in_progress", "Đang xử lý", "In progress";
        Answered = "answered", "Đã trả lời", "Answered";
        Closed = "closed", "Đã đóng", "Closed";
        Forwarded = "forwarded", "Đã chuyển cơ quan có thẩm quyền", "Forwarded to the competent body";
        Escalated = "escalated", "Đã chuyển cấp trên", "Escalated to the superior unit";
        Reopened = "reopened", "Mở lại", "Reopened";
        /// The citizen withdrew the report (rút đơn: Law on Complaints 2011 art. 10, Law on
        /// Denunciations 2018 art. 33).
        Withdrawn = "withdrawn", "Đã rút đơn", "Withdrawn";
    }
}

impl ReportStatus {
    /// The unit still owes the citizen something: a deadline clock runs.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ReportStatus::Received
                | ReportStatus::Accepted
                | ReportStatus::InProgress
                | ReportStatus::Escalated
                | ReportStatus::Reopened
        )
    }

    /// Nothing more happens here except internal notes (and, for the answered/closed ones,
    /// the citizen's once-only reopening or appeal).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ReportStatus::Declined
                | ReportStatus::Closed
                | ReportStatus::Forwarded
                | ReportStatus::Withdrawn
        )
    }

    /// The deadline clock that runs in this status, if any: deciding on acceptance while
    /// received, resolving once accepted (an escalated or reopened case is resolved anew).
    pub fn stage(self) -> Option<Stage> {
        match self {
            ReportStatus::Received => Some(Stage::Intake),
            ReportStatus::Accepted
            | ReportStatus::InProgress
            | ReportStatus::Escalated
            | ReportStatus::Reopened => Some(Stage::Resolve),
            _ => None,
        }
    }
}

labelled_enum! {
    /// Who acts on a case. The server maps an account to an actor for a given case (the head of
    /// the case's unit, the officer the case is assigned to, a member of the committee that
    /// oversees the unit, the holder of the tracking code and secret, the overdue job) and checks
    /// that scope; this module decides what each actor may do.
    Actor {
        Head = "head", "Thủ trưởng đơn vị", "Head of unit";
        AssignedOfficer = "assigned_officer", "Cán bộ được giao xử lý", "Assigned officer";
        Committee = "committee", "Ủy ban kiểm tra", "Inspection committee";
        /// The overdue job and other automatic steps.
        System = "system", "Hệ thống", "System";
        /// Whoever holds the tracking code (and, for an anonymous report, the secret).
        Citizen = "citizen", "Người gửi đơn", "Reporter";
        /// Configures units, holidays and settings; takes no part in handling cases.
        Admin = "admin", "Quản trị viên", "Administrator";
    }
}

labelled_enum! {
    /// The actions on a case, without their data; also the `kind` of the timeline event each
    /// one writes.
    ActionKind {
        /// First opened by the handling side: the citizen sees "đã xem".
        FirstOpen = "first_open", "Đã xem đơn", "Opened";
        Accept = "accept", "Thụ lý", "Accept for handling";
        Decline = "decline", "Không thụ lý", "Decline";
        Forward = "forward", "Chuyển cơ quan có thẩm quyền", "Forward to the competent body";
        Assign = "assign", "Giao cán bộ xử lý", "Assign to an officer";
        Start = "start", "Bắt đầu xử lý", "Start handling";
        ReplyPublic = "reply_public", "Trả lời công khai", "Public reply";
        NoteInternal = "note_internal", "Ghi chú nội bộ", "Internal note";
        Answer = "answer", "Trả lời kết quả giải quyết", "Answer";
        Extend = "extend", "Gia hạn giải quyết", "Extend the deadline";
        /// The head decides a complaint is complex (vụ việc phức tạp): a longer resolution
        /// period (Law on Complaints 2011, art. 28).
        DeclareComplex = "declare_complex", "Xác định vụ việc phức tạp", "Declare the complaint complex";
        Close = "close", "Đóng đơn", "Close";
        Escalate = "escalate", "Chuyển cấp trên", "Escalate to the superior unit";
        Reopen = "reopen", "Yêu cầu mở lại", "Reopen";
        /// The citizen takes the matter to the superior unit (e.g. a second complaint).
        Appeal = "appeal", "Khiếu nại, kiến nghị lên cấp trên", "Appeal to the superior unit";
        CitizenAddInfo = "citizen_add_info", "Bổ sung thông tin", "Add information";
        CitizenFeedback = "citizen_feedback", "Đánh giá kết quả trả lời", "Rate the answer";
        Withdraw = "withdraw", "Rút đơn", "Withdraw the report";
    }
}

use ActionKind as K;
use Actor as A;
use ReportStatus as S;

const HANDLERS: &[Actor] = &[A::Head, A::Committee];
const HANDLERS_AND_OFFICER: &[Actor] = &[A::Head, A::Committee, A::AssignedOfficer];
const OPEN: &[ReportStatus] = &[
    S::Received,
    S::Accepted,
    S::InProgress,
    S::Escalated,
    S::Reopened,
];
/// The statuses in which the resolution clock runs ([`ReportStatus::stage`] is `Resolve`).
const RESOLVING: &[ReportStatus] = &[S::Accepted, S::InProgress, S::Escalated, S::Reopened];

impl ActionKind {
    /// Who may take this action at all.
    pub fn actors(self) -> &'static [Actor] {
        match self {
            K::FirstOpen | K::ReplyPublic | K::NoteInternal | K::Answer | K::Start => {
                HANDLERS_AND_OFFICER
            }
            K::Accept | K::Decline | K::Forward | K::Assign | K::Extend => HANDLERS,
            // The person who resolves a complaint is the head of the body whose decision is
            // complained about (Law on Complaints 2011, arts. 17–18); the period is theirs to
            // lengthen (art. 28). The committee handles denunciations, not complaints.
            K::DeclareComplex => &[A::Head],
            K::Close => &[A::Head, A::Committee, A::System],
            K::Escalate => &[A::Head, A::Committee, A::System],
            K::Reopen | K::Appeal | K::CitizenAddInfo | K::CitizenFeedback | K::Withdraw => {
                &[A::Citizen]
            }
        }
    }

    /// The statuses this action may be taken from (before the case facts are considered).
    pub fn from_statuses(self) -> &'static [ReportStatus] {
        match self {
            K::FirstOpen => &[S::Received, S::Escalated],
            K::Accept => &[S::Received, S::Escalated, S::Withdrawn],
            K::Decline => &[S::Received, S::Escalated],
            K::Forward => &[S::Received, S::Accepted, S::Escalated],
            K::Assign => &[S::Accepted, S::InProgress, S::Escalated, S::Reopened],
            K::Start => &[S::Accepted, S::Reopened],
            K::ReplyPublic => &[
                S::Received,
                S::Accepted,
                S::InProgress,
                S::Escalated,
                S::Reopened,
                S::Answered,
            ],
            K::NoteInternal => ReportStatus::ALL,
            K::Answer => &[S::Accepted, S::InProgress, S::Escalated, S::Reopened],
            K::Extend => OPEN,
            // The complex period runs from acceptance (art. 28): only while that clock runs.
            K::DeclareComplex => RESOLVING,
            K::Close => &[S::Answered],
            K::Escalate => &[S::Received, S::Accepted, S::InProgress, S::Reopened],
            K::Reopen | K::Appeal => &[S::Answered, S::Closed],
            K::CitizenAddInfo => &[
                S::Received,
                S::Accepted,
                S::InProgress,
                S::Escalated,
                S::Reopened,
                S::Answered,
            ],
            K::CitizenFeedback => &[S::Answered],
            K::Withdraw => OPEN,
        }
    }

    /// The status after the action; `None`: the status does not change. (A citizen's feedback
    /// closes the case when satisfied and leaves it answered when not: see [`Action::target`].)
    pub fn target(self) -> Option<ReportStatus> {
        match self {
            K::Accept => Some(S::Accepted),
            K::Decline => Some(S::Declined),
            K::Forward => Some(S::Forwarded),
            K::Assign | K::Start => Some(S::InProgress),
            K::Answer => Some(S::Answered),
            K::Close => Some(S::Closed),
            K::Escalate | K::Appeal => Some(S::Escalated),
            K::Reopen => Some(S::Reopened),
            K::Withdraw => Some(S::Withdrawn),
            K::FirstOpen
            | K::ReplyPublic
            | K::NoteInternal
            | K::Extend
            | K::DeclareComplex
            | K::CitizenAddInfo
            | K::CitizenFeedback => None,
        }
    }

    /// Whether the timeline event is shown to the citizen by default. Only internal notes are
    /// hidden; the events name a role, never a person.
    pub fn public_by_default(self) -> bool {
        !matches!(self, K::NoteInternal)
    }

    /// Actions that need a written reason (lý do).
    pub fn requires_reason(self) -> bool {
        matches!(
            self,
            K::Decline
                | K::Forward
                | K::Extend
                | K::DeclareComplex
                | K::Escalate
                | K::Reopen
                | K::Appeal
        )
    }

    /// Actions whose content is a text (reply, note, answer, added information).
    pub fn requires_text(self) -> bool {
        matches!(
            self,
            K::ReplyPublic | K::NoteInternal | K::Answer | K::CitizenAddInfo
        )
    }
}

/// The shortest reason accepted, in characters.
pub const REASON_MIN_CHARS: usize = 10;
/// The longest reason or text accepted, in characters.
pub const TEXT_MAX_CHARS: usize = 10_000;

/// An action with its data, as the API receives it: `{"action": "decline", "reason": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    FirstOpen,
    Accept,
    Decline {
        reason: String,
    },
    Forward {
        to_unit_id: String,
        reason: String,
    },
    Assign {
        officer_id: String,
    },
    Start,
    ReplyPublic {
        text: String,
    },
    NoteInternal {
        text: String,
    },
    Answer {
        text: String,
    },
    Extend {
        reason: String,
        /// The number of the extension decision, when one was issued on paper.
        #[serde(default)]
        decision_no: Option<String>,
    },
    DeclareComplex {
        reason: String,
        /// The number of the decision, when one was issued on paper.
        #[serde(default)]
        decision_no: Option<String>,
    },
    Close,
    Escalate {
        reason: String,
    },
    Reopen {
        reason: String,
    },
    Appeal {
        reason: String,
    },
    CitizenAddInfo {
        text: String,
    },
    CitizenFeedback {
        satisfied: bool,
        #[serde(default)]
        comment: Option<String>,
    },
    Withdraw {
        #[serde(default)]
        reason: Option<String>,
    },
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::FirstOpen => K::FirstOpen,
            Action::Accept => K::Accept,
            Action::Decline { .. } => K::Decline,
            Action::Forward { .. } => K::Forward,
            Action::Assign { .. } => K::Assign,
            Action::Start => K::Start,
            Action::ReplyPublic { .. } => K::ReplyPublic,
            Action::NoteInternal { .. } => K::NoteInternal,
            Action::Answer { .. } => K::Answer,
            Action::Extend { .. } => K::Extend,
            Action::DeclareComplex { .. } => K::DeclareComplex,
            Action::Close => K::Close,
            Action::Escalate { .. } => K::Escalate,
            Action::Reopen { .. } => K::Reopen,
            Action::Appeal { .. } => K::Appeal,
            Action::CitizenAddInfo { .. } => K::CitizenAddInfo,
            Action::CitizenFeedback { .. } => K::CitizenFeedback,
            Action::Withdraw { .. } => K::Withdraw,
        }
    }

    /// The written reason, for the actions that carry one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Action::Decline { reason }
            | Action::Forward { reason, .. }
            | Action::Extend { reason, .. }
            | Action::DeclareComplex { reason, .. }
            | Action::Escalate { reason }
            | Action::Reopen { reason }
            | Action::Appeal { reason } => Some(reason),
            Action::Withdraw { reason } => reason.as_deref(),
            _ => None,
        }
    }

    /// The text of a reply, note, answer or added information (or a feedback comment).
    pub fn text(&self) -> Option<&str> {
        match self {
            Action::ReplyPublic { text }
            | Action::NoteInternal { text }
            | Action::Answer { text }
            | Action::CitizenAddInfo { text } => Some(text),
            Action::CitizenFeedback { comment, .. } => comment.as_deref(),
            _ => None,
        }
    }

    /// The status after this action is taken from `from` (assuming it is allowed).
    pub fn target(&self, from: ReportStatus) -> ReportStatus {
        match self {
            Action::CitizenFeedback {
                satisfied: true, ..
            } => S::Closed,
            other => other.kind().target().unwrap_or(from),
        }
    }

    fn check_payload(&self) -> Result<(), TransitionError> {
        let kind = self.kind();
        let chars = |s: &str| s.trim().chars().count();
        if let Some(reason) = self.reason() {
            if kind.requires_reason() && chars(reason) < REASON_MIN_CHARS {
                return Err(TransitionError::ReasonRequired { action: kind });
            }
            if chars(reason) > TEXT_MAX_CHARS {
                return Err(TransitionError::TooLong { field: "reason" });
            }
        }
        if let Some(text) = self.text() {
            if kind.requires_text() && chars(text) == 0 {
                return Err(TransitionError::TextRequired { action: kind });
            }
            let field = if kind == K::CitizenFeedback {
                "comment"
            } else {
                "text"
            };
            if chars(text) > TEXT_MAX_CHARS {
                return Err(TransitionError::TooLong { field });
            }
        }
        match self {
            Action::Forward { to_unit_id, .. } if to_unit_id.trim().is_empty() => {
                Err(TransitionError::TargetRequired {
                    field: "to_unit_id",
                })
            }
            Action::Assign { officer_id } if officer_id.trim().is_empty() => {
                Err(TransitionError::TargetRequired {
                    field: "officer_id",
                })
            }
            _ => Ok(()),
        }
    }
}

/// What the state machine needs to know about a case beyond its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseFacts {
    pub kind: ReportKind,
    pub anonymous: bool,
    /// The handling side has opened the case already (the "đã xem" event was written).
    #[serde(default)]
    pub opened: bool,
    /// The citizen has used their one reopening or appeal.
    #[serde(default)]
    pub reopened_before: bool,
    /// The citizen has already said whether the answer satisfied them.
    #[serde(default)]
    pub feedback_given: bool,
    /// A denunciation's intake period has been extended (7 → 10 working days).
    #[serde(default)]
    pub intake_extended: bool,
    /// Extensions of the resolution deadline granted so far.
    #[serde(default)]
    pub extensions_used: u8,
    /// The cap on those extensions (from [`DeadlineRules::max_extensions`]).
    #[serde(default)]
    pub max_extensions: u8,
    /// The head has declared the complaint complex.
    #[serde(default)]
    pub complex: bool,
}

impl CaseFacts {
    /// A fresh case, with the extension cap of the default deadline rules.
    pub fn new(kind: ReportKind, anonymous: bool) -> CaseFacts {
        CaseFacts::with_rules(kind, anonymous, &DeadlineRules::default())
    }

    /// A fresh case, with the extension cap of the unit's deadline settings.
    pub fn with_rules(kind: ReportKind, anonymous: bool, rules: &DeadlineRules) -> CaseFacts {
        CaseFacts {
            kind,
            anonymous,
            opened: false,
            reopened_before: false,
            feedback_given: false,
            intake_extended: false,
            extensions_used: 0,
            max_extensions: rules.max_extensions(kind, anonymous, Stage::Resolve),
            complex: false,
        }
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionError {
    /// This actor never takes this action (or not on this kind of report).
    ActorNotAllowed {
        action: ActionKind,
        actor: Actor,
    },
    /// Not from this status.
    WrongStatus {
        action: ActionKind,
        status: ReportStatus,
    },
    /// Not for this kind of report (e.g. taking up a withdrawn complaint).
    NotForKind {
        action: ActionKind,
        kind: ReportKind,
    },
    AlreadyOpened,
    /// The citizen's one reopening or appeal is used.
    AlreadyReopened,
    FeedbackAlreadyGiven,
    /// The deadline has been extended as often as allowed.
    ExtensionLimit {
        max: u8,
    },
    /// The complaint was declared complex already (it is decided once).
    AlreadyComplex,
    ReasonRequired {
        action: ActionKind,
    },
    TextRequired {
        action: ActionKind,
    },
    TargetRequired {
        field: &'static str,
    },
    TooLong {
        field: &'static str,
    },
}

impl TransitionError {
    pub fn code(self) -> ErrorCode {
        use TransitionError::*;
        match self {
            ActorNotAllowed { .. } => ErrorCode::Forbidden,
            WrongStatus { .. }
            | NotForKind { .. }
            | AlreadyOpened
            | AlreadyReopened
            | FeedbackAlreadyGiven
            | ExtensionLimit { .. }
            | AlreadyComplex => ErrorCode::Conflict,
            ReasonRequired { .. }
            | TextRequired { .. }
            | TargetRequired { .. }
            | TooLong { .. } => ErrorCode::ValidationFailed,
        }
    }

    /// The field at fault, for validation errors.
    pub fn field(self) -> Option<&'static str> {
        match self {
            TransitionError::ReasonRequired { .. } => Some("reason"),
            TransitionError::TextRequired { .. } => Some("text"),
            TransitionError::TargetRequired { field } | TransitionError::TooLong { field } => {
                Some(field)
            }
            _ => None,
        }
    }

    pub fn message(self) -> Msg {
        use TransitionError::*;
        let vi = Lang::Vi;
        let en = Lang::En;
        match self {
            ActorNotAllowed { action, actor } => Msg::new(
                format!(
                    "{} không được thực hiện thao tác «{}».",
                    actor.label(vi),
                    action.label(vi)
                ),
                format!(
                    "The {} may not do “{}”.",
                    actor.label(en).to_lowercase(),
                    action.label(en)
                ),
            ),
            WrongStatus { action, status } => Msg::new(
                format!(
                    "Không thể thực hiện «{}» khi đơn đang ở trạng thái «{}».",
                    action.label(vi),
                    status.label(vi)
                ),
                format!(
                    "“{}” is not possible while the report is “{}”.",
                    action.label(en),
                    status.label(en)
                ),
            ),
            NotForKind { action, kind } => Msg::new(
                format!(
                    "Không thể thực hiện «{}» với loại đơn «{}».",
                    action.label(vi),
                    kind.label(vi)
                ),
                format!(
                    "“{}” is not possible for a report of the kind “{}”.",
                    action.label(en),
                    kind.label(en)
                ),
            ),
            AlreadyOpened => Msg::new("Đơn này đã được mở xem.", "This report was already opened."),
            AlreadyReopened => Msg::new(
                "Bạn đã sử dụng quyền yêu cầu mở lại hoặc chuyển cấp trên cho đơn này (chỉ được một lần).",
                "You have already reopened or appealed this report (allowed once only).",
            ),
            FeedbackAlreadyGiven => Msg::new(
                "Bạn đã đánh giá kết quả trả lời của đơn này.",
                "You have already rated the answer to this report.",
            ),
            ExtensionLimit { max } => Msg::new(
                format!("Đã gia hạn tối đa {max} lần; không thể gia hạn thêm."),
                format!("Already extended the maximum of {max} times; no further extension."),
            ),
            AlreadyComplex => Msg::new(
                "Khiếu nại này đã được xác định là vụ việc phức tạp.",
                "This complaint has already been declared complex.",
            ),
            ReasonRequired { action } => Msg::new(
                format!(
                    "Vui lòng ghi rõ lý do «{}» (ít nhất {REASON_MIN_CHARS} ký tự).",
                    action.label(vi)
                ),
                format!(
                    "Please give the reason for “{}” (at least {REASON_MIN_CHARS} characters).",
                    action.label(en)
                ),
            ),
            TextRequired { action } => Msg::new(
                format!("Vui lòng nhập nội dung «{}».", action.label(vi)),
                format!("Please enter the text of the “{}”.", action.label(en)),
            ),
            TargetRequired { field } => match field {
                "to_unit_id" => Msg::new(
                    "Vui lòng chọn cơ quan có thẩm quyền để chuyển đơn.",
                    "Please choose the competent body to forward to.",
                ),
                _ => Msg::new(
                    "Vui lòng chọn cán bộ được giao xử lý.",
                    "Please choose the officer to assign.",
                ),
            },
            TooLong { .. } => Msg::new(
                format!("Nội dung quá dài (tối đa {TEXT_MAX_CHARS} ký tự)."),
                format!("The text is too long (at most {TEXT_MAX_CHARS} characters)."),
            ),
        }
    }
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for TransitionError {}

impl From<TransitionError> for ApiError {
    fn from(e: TransitionError) -> ApiError {
        let message = e.message();
        match e.field() {
            Some(field) => {
                let code = match e {
                    TransitionError::TooLong { .. } => FieldCode::TooLong,
                    _ => FieldCode::Required,
                };
                ApiError::validation(vec![FieldError {
                    field: field.to_string(),
                    code,
                    message,
                    line: None,
                }])
            }
            None => ApiError {
                code: e.code(),
                message,
                fields: Vec::new(),
            },
        }
    }
}

/// Checks an action kind against the status, the actor and the case facts (not its data).
pub fn check(
    status: ReportStatus,
    action: ActionKind,
    actor: Actor,
    facts: &CaseFacts,
) -> Result<(), TransitionError> {
    if !action.actors().contains(&actor) {
        return Err(TransitionError::ActorNotAllowed { action, actor });
    }
    if !action.from_statuses().contains(&status) {
        return Err(TransitionError::WrongStatus { action, status });
    }
    let denunciation = facts.kind == ReportKind::Denunciation;
    match action {
        // The officer signs off answers to feedback and suggestions; the answer to a complaint
        // or a denunciation is the competent person's decision.
        K::Answer
            if actor == A::AssignedOfficer
                && matches!(facts.kind, ReportKind::Complaint | ReportKind::Denunciation) =>
        {
            Err(TransitionError::ActorNotAllowed { action, actor })
        }
        K::FirstOpen if facts.opened => Err(TransitionError::AlreadyOpened),
        // A withdrawn denunciation may still be taken up when it shows signs of a violation
        // (Law on Denunciations 2018, art. 33(3)); a withdrawn complaint or feedback may not.
        K::Accept if status == S::Withdrawn && !denunciation => Err(TransitionError::NotForKind {
            action,
            kind: facts.kind,
        }),
        // While received, the only extension is the denunciation intake (7 → 10 working days).
        K::Extend if status == S::Received => {
            if !denunciation || facts.anonymous {
                Err(TransitionError::NotForKind {
                    action,
                    kind: facts.kind,
                })
            } else if facts.intake_extended {
                Err(TransitionError::ExtensionLimit { max: 1 })
            } else {
                Ok(())
            }
        }
        K::Extend if facts.extensions_used >= facts.max_extensions => {
            Err(TransitionError::ExtensionLimit {
                max: facts.max_extensions,
            })
        }
        // Only a complaint has a longer period for a complex case (Law on Complaints 2011, art.
        // 28); a complex denunciation is extended instead (Law on Denunciations 2018, art. 30).
        K::DeclareComplex if facts.kind != ReportKind::Complaint => {
            Err(TransitionError::NotForKind {
                action,
                kind: facts.kind,
            })
        }
        K::DeclareComplex if facts.complex => Err(TransitionError::AlreadyComplex),
        K::Reopen | K::Appeal if facts.reopened_before => Err(TransitionError::AlreadyReopened),
        K::CitizenFeedback if facts.feedback_given => Err(TransitionError::FeedbackAlreadyGiven),
        _ => Ok(()),
    }
}

/// The actions this actor may take now, in a stable order (for the buttons of the case page).
pub fn allowed_actions(status: ReportStatus, actor: Actor, facts: &CaseFacts) -> Vec<ActionKind> {
    ActionKind::ALL
        .iter()
        .copied()
        .filter(|a| check(status, *a, actor, facts).is_ok())
        .collect()
}

/// Validates an action and returns the status after it. The server calls this inside the
/// transaction that records the timeline event and the new status.
pub fn transition(
    status: ReportStatus,
    action: &Action,
    actor: Actor,
    facts: &CaseFacts,
) -> Result<ReportStatus, TransitionError> {
    check(status, action.kind(), actor, facts)?;
    action.check_payload()?;
    Ok(action.target(status))
}

/// One line of a case's timeline, as the server stores it: who (role and account), when, what,
/// why, and whether the citizen sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TransitionRecord {
    pub action: ActionKind,
    pub from: ReportStatus,
    pub to: ReportStatus,
    pub actor: Actor,
    /// The staff account, for the audit trail; never shown to the citizen. `None` for the
    /// citizen and the system.
    #[serde(default)]
    pub actor_account_id: Option<String>,
    /// Unix milliseconds.
    pub at: i64,
    pub public: bool,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
}

impl TransitionRecord {
    /// Checks the action and builds the record to store, public as the action's default.
    pub fn new(
        status: ReportStatus,
        action: &Action,
        actor: Actor,
        facts: &CaseFacts,
        actor_account_id: Option<String>,
        at: i64,
    ) -> Result<TransitionRecord, TransitionError> {
        let to = transition(status, action, actor, facts)?;
        let clean = |s: &str| crate::validate::clean(s);
        Ok(TransitionRecord {
            action: action.kind(),
            from: status,
            to,
            actor,
            actor_account_id,
            at,
            public: action.kind().public_by_default(),
            reason: action.reason().map(clean).filter(|s| !s.is_empty()),
            text: action.text().map(clean).filter(|s| !s.is_empty()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportKind::*;

    const REASON: &str = "Không thuộc thẩm quyền giải quyết của đơn vị";

    /// A sample action of each kind, with valid data.
    fn sample(kind: ActionKind) -> Action {
        match kind {
            K::FirstOpen => Action::FirstOpen,
            K::Accept => Action::Accept,
            K::Decline => Action::Decline {
                reason: REASON.into(),
            },
            K::Forward => Action::Forward {
                to_unit_id: "unit-2".into(),
                reason: REASON.into(),
            },
            K::Assign => Action::Assign {
                officer_id: "staff-1".into(),
            },
            K::Start => Action::Start,
            K::ReplyPublic => Action::ReplyPublic {
                text: "Đơn vị đã nhận và đang xác minh.".into(),
            },
            K::NoteInternal => Action::NoteInternal {
                text: "Gọi lại cho cán bộ A.".into(),
            },
            K::Answer => Action::Answer {
                text: "Kết quả giải quyết: ...".into(),
            },
            K::Extend => Action::Extend {
                reason: "Vụ việc phức tạp, cần xác minh thêm".into(),
                decision_no: Some("12/QĐ-UBND".into()),
            },
            K::DeclareComplex => Action::DeclareComplex {
                reason: "Nhiều người liên quan, cần xác minh tại nhiều nơi".into(),
                decision_no: None,
            },
            K::Close => Action::Close,
            K::Escalate => Action::Escalate {
                reason: "Quá hạn giải quyết chưa trả lời".into(),
            },
            K::Reopen => Action::Reopen {
                reason: "Câu trả lời chưa giải quyết vấn đề".into(),
            },
            K::Appeal => Action::Appeal {
                reason: "Không đồng ý với quyết định giải quyết".into(),
            },
            K::CitizenAddInfo => Action::CitizenAddInfo {
                text: "Bổ sung: sự việc xảy ra lúc 9 giờ.".into(),
            },
            K::CitizenFeedback => Action::CitizenFeedback {
                satisfied: false,
                comment: None,
            },
            K::Withdraw => Action::Withdraw { reason: None },
        }
    }

    /// The whole table of allowed transitions for an identified feedback, written out by hand:
    /// (from, action, actor, to).
    fn expected_feedback_table() -> Vec<(ReportStatus, ActionKind, Actor, ReportStatus)> {
        let mut t = Vec::new();
        let handlers = [A::Head, A::Committee];
        let with_officer = [A::Head, A::Committee, A::AssignedOfficer];
        for s in [S::Received, S::Escalated] {
            for a in with_officer {
                t.push((s, K::FirstOpen, a, s));
            }
            for a in handlers {
                t.push((s, K::Accept, a, S::Accepted));
                t.push((s, K::Decline, a, S::Declined));
                t.push((s, K::Forward, a, S::Forwarded));
            }
        }
        for a in handlers {
            t.push((S::Accepted, K::Forward, a, S::Forwarded));
            for s in [S::Accepted, S::InProgress, S::Escalated, S::Reopened] {
                t.push((s, K::Assign, a, S::InProgress));
                t.push((s, K::Extend, a, s));
            }
            t.push((S::Answered, K::Close, a, S::Closed));
            for s in [S::Received, S::Accepted, S::InProgress, S::Reopened] {
                t.push((s, K::Escalate, a, S::Escalated));
            }
        }
        for s in [S::Received, S::Accepted, S::InProgress, S::Reopened] {
            t.push((s, K::Escalate, A::System, S::Escalated));
        }
        t.push((S::Answered, K::Close, A::System, S::Closed));
        for a in with_officer {
            for s in [S::Accepted, S::Reopened] {
                t.push((s, K::Start, a, S::InProgress));
            }
            for s in [
                S::Received,
                S::Accepted,
                S::InProgress,
                S::Escalated,
                S::Reopened,
                S::Answered,
            ] {
                t.push((s, K::ReplyPublic, a, s));
            }
            for s in ReportStatus::ALL {
                t.push((*s, K::NoteInternal, a, *s));
            }
            for s in [S::Accepted, S::InProgress, S::Escalated, S::Reopened] {
                t.push((s, K::Answer, a, S::Answered));
            }
        }
        let c = A::Citizen;
        for s in [S::Answered, S::Closed] {
            t.push((s, K::Reopen, c, S::Reopened));
            t.push((s, K::Appeal, c, S::Escalated));
        }
        for s in [
            S::Received,
            S::Accepted,
            S::InProgress,
            S::Escalated,
            S::Reopened,
            S::Answered,
        ] {
            t.push((s, K::CitizenAddInfo, c, s));
        }
        t.push((S::Answered, K::CitizenFeedback, c, S::Answered));
        for s in OPEN {
            t.push((*s, K::Withdraw, c, S::Withdrawn));
        }
        t
    }

    #[test]
    fn every_transition_of_a_feedback_is_exactly_the_table() {
        let facts = CaseFacts::new(Feedback, false);
        let expected = expected_feedback_table();
        let mut allowed = 0;
        for status in ReportStatus::ALL {
            for actor in Actor::ALL {
                for kind in ActionKind::ALL {
                    let want = expected
                        .iter()
                        .find(|(s, k, a, _)| s == status && k == kind && a == actor)
                        .map(|t| t.3);
                    let got = transition(*status, &sample(*kind), *actor, &facts).ok();
                    assert_eq!(got, want, "{status} {kind} by {actor}");
                    let offered = allowed_actions(*status, *actor, &facts).contains(kind);
                    assert_eq!(
                        offered,
                        want.is_some(),
                        "offered {status} {kind} by {actor}"
                    );
                    allowed += usize::from(want.is_some());
                }
            }
        }
        assert_eq!(allowed, expected.len());
    }

    #[test]
    fn the_administrator_handles_no_case() {
        for kind in ReportKind::ALL {
            let facts = CaseFacts::new(*kind, false);
            for status in ReportStatus::ALL {
                assert!(allowed_actions(*status, A::Admin, &facts).is_empty());
            }
        }
        let e = transition(
            S::Received,
            &Action::Accept,
            A::Admin,
            &CaseFacts::new(Feedback, false),
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::Forbidden);
    }

    #[test]
    fn the_happy_path_of_a_denunciation() {
        let mut f = CaseFacts::new(Denunciation, false);
        assert_eq!(f.max_extensions, 2);
        let mut s = S::Received;
        s = transition(s, &Action::FirstOpen, A::Committee, &f).unwrap();
        f.opened = true;
        assert_eq!(s, S::Received);
        assert_eq!(
            transition(s, &Action::FirstOpen, A::Head, &f),
            Err(TransitionError::AlreadyOpened)
        );
        // The intake extension (7 → 10 working days), once.
        assert_eq!(
            transition(s, &sample(K::Extend), A::Committee, &f),
            Ok(S::Received)
        );
        f.intake_extended = true;
        assert_eq!(
            transition(s, &sample(K::Extend), A::Committee, &f),
            Err(TransitionError::ExtensionLimit { max: 1 })
        );
        s = transition(s, &Action::Accept, A::Committee, &f).unwrap();
        s = transition(s, &sample(K::Assign), A::Committee, &f).unwrap();
        assert_eq!(s, S::InProgress);
        for _ in 0..2 {
            assert_eq!(transition(s, &sample(K::Extend), A::Head, &f), Ok(s));
            f.extensions_used += 1;
        }
        assert_eq!(
            transition(s, &sample(K::Extend), A::Head, &f),
            Err(TransitionError::ExtensionLimit { max: 2 })
        );
        // The officer prepares; the answer to a denunciation is the head's or the committee's.
        assert_eq!(
            transition(s, &sample(K::Answer), A::AssignedOfficer, &f),
            Err(TransitionError::ActorNotAllowed {
                action: K::Answer,
                actor: A::AssignedOfficer
            })
        );
        assert!(!allowed_actions(s, A::AssignedOfficer, &f).contains(&K::Answer));
        s = transition(s, &sample(K::Answer), A::Head, &f).unwrap();
        assert_eq!(s, S::Answered);
        let satisfied = Action::CitizenFeedback {
            satisfied: true,
            comment: Some("Cảm ơn".into()),
        };
        assert_eq!(transition(s, &satisfied, A::Citizen, &f), Ok(S::Closed));
    }

    #[test]
    fn the_citizen_reopens_or_appeals_once_and_only_after_an_answer() {
        let mut f = CaseFacts::new(Complaint, false);
        for s in [
            S::Received,
            S::Accepted,
            S::InProgress,
            S::Declined,
            S::Forwarded,
        ] {
            assert!(matches!(
                transition(s, &sample(K::Reopen), A::Citizen, &f),
                Err(TransitionError::WrongStatus { .. })
            ));
        }
        assert_eq!(
            transition(S::Closed, &sample(K::Reopen), A::Citizen, &f),
            Ok(S::Reopened)
        );
        assert_eq!(
            transition(S::Answered, &sample(K::Appeal), A::Citizen, &f),
            Ok(S::Escalated)
        );
        f.reopened_before = true;
        for k in [K::Reopen, K::Appeal] {
            let e = transition(S::Answered, &sample(k), A::Citizen, &f).unwrap_err();
            assert_eq!(e, TransitionError::AlreadyReopened);
            assert_eq!(ApiError::from(e).code, ErrorCode::Conflict);
            assert!(!allowed_actions(S::Answered, A::Citizen, &f).contains(&k));
        }
        // Staff cannot reopen on the citizen's behalf.
        assert!(matches!(
            transition(
                S::Closed,
                &sample(K::Reopen),
                A::Head,
                &CaseFacts::new(Complaint, false)
            ),
            Err(TransitionError::ActorNotAllowed { .. })
        ));
    }

    #[test]
    fn the_citizen_rates_the_answer_once_and_only_after_an_answer() {
        let mut f = CaseFacts::new(Feedback, true);
        let not = Action::CitizenFeedback {
            satisfied: false,
            comment: Some("Chưa thỏa đáng".into()),
        };
        for s in [S::Received, S::InProgress, S::Closed, S::Reopened] {
            assert!(matches!(
                transition(s, &not, A::Citizen, &f),
                Err(TransitionError::WrongStatus { .. })
            ));
        }
        assert_eq!(
            transition(S::Answered, &not, A::Citizen, &f),
            Ok(S::Answered)
        );
        f.feedback_given = true;
        assert_eq!(
            transition(S::Answered, &not, A::Citizen, &f),
            Err(TransitionError::FeedbackAlreadyGiven)
        );
        // Still free to reopen after saying "not satisfied".
        assert!(allowed_actions(S::Answered, A::Citizen, &f).contains(&K::Reopen));
    }

    #[test]
    fn extension_caps_depend_on_the_kind() {
        // Complaints have no extension (a complex case has a longer period instead).
        let c = CaseFacts::new(Complaint, false);
        assert_eq!(
            transition(S::InProgress, &sample(K::Extend), A::Head, &c),
            Err(TransitionError::ExtensionLimit { max: 0 })
        );
        // Only an identified denunciation has an intake extension.
        for f in [
            CaseFacts::new(Feedback, false),
            CaseFacts::new(Denunciation, true),
        ] {
            assert!(matches!(
                transition(S::Received, &sample(K::Extend), A::Head, &f),
                Err(TransitionError::NotForKind { .. })
            ));
        }
        // Anonymous denunciation review: one extension by default.
        let mut a = CaseFacts::new(Denunciation, true);
        assert_eq!(a.max_extensions, 1);
        assert!(transition(S::Accepted, &sample(K::Extend), A::Committee, &a).is_ok());
        a.extensions_used = 1;
        assert!(transition(S::Accepted, &sample(K::Extend), A::Committee, &a).is_err());
    }

    #[test]
    fn the_head_declares_a_complaint_complex_once_while_it_is_being_resolved() {
        let mut c = CaseFacts::new(Complaint, false);
        let declare = sample(K::DeclareComplex);
        for s in [S::Accepted, S::InProgress, S::Escalated, S::Reopened] {
            assert_eq!(transition(s, &declare, A::Head, &c), Ok(s), "{s}");
            assert!(allowed_actions(s, A::Head, &c).contains(&K::DeclareComplex));
        }
        // Only while the resolution clock runs: not before acceptance, not once answered.
        for s in [
            S::Received,
            S::Answered,
            S::Closed,
            S::Declined,
            S::Withdrawn,
        ] {
            assert!(matches!(
                transition(s, &declare, A::Head, &c),
                Err(TransitionError::WrongStatus { .. })
            ));
            assert!(!allowed_actions(s, A::Head, &c).contains(&K::DeclareComplex));
        }
        // The head's decision: not the committee's, the officer's or the citizen's.
        for a in [
            A::Committee,
            A::AssignedOfficer,
            A::Citizen,
            A::System,
            A::Admin,
        ] {
            assert!(matches!(
                transition(S::InProgress, &declare, a, &c),
                Err(TransitionError::ActorNotAllowed { .. })
            ));
            assert!(!allowed_actions(S::InProgress, a, &c).contains(&K::DeclareComplex));
        }
        // With a reason, recorded publicly: the citizen's date changes.
        let e = transition(
            S::InProgress,
            &Action::DeclareComplex {
                reason: "khó".into(),
                decision_no: None,
            },
            A::Head,
            &c,
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("reason"));
        let r = TransitionRecord::new(S::InProgress, &declare, A::Head, &c, None, 0).unwrap();
        assert!(r.public);
        assert_eq!((r.from, r.to), (S::InProgress, S::InProgress));
        // Once.
        c.complex = true;
        let e = transition(S::InProgress, &declare, A::Head, &c).unwrap_err();
        assert_eq!(e, TransitionError::AlreadyComplex);
        assert_eq!(ApiError::from(e).code, ErrorCode::Conflict);
        assert!(!allowed_actions(S::InProgress, A::Head, &c).contains(&K::DeclareComplex));
        // Complaints only: a denunciation or a feedback is not "complex" under art. 28.
        for f in [
            CaseFacts::new(Denunciation, false),
            CaseFacts::new(Denunciation, true),
            CaseFacts::new(Feedback, false),
            CaseFacts::new(Suggestion, false),
        ] {
            let e = transition(S::InProgress, &declare, A::Head, &f).unwrap_err();
            assert!(matches!(e, TransitionError::NotForKind { .. }), "{e:?}");
            assert_eq!(ApiError::from(e).status(), 409);
            assert!(!allowed_actions(S::InProgress, A::Head, &f).contains(&K::DeclareComplex));
        }
    }

    #[test]
    fn a_withdrawn_denunciation_may_be_taken_up_a_withdrawn_complaint_may_not() {
        let d = CaseFacts::new(Denunciation, false);
        let c = CaseFacts::new(Complaint, false);
        assert_eq!(
            transition(S::InProgress, &sample(K::Withdraw), A::Citizen, &c),
            Ok(S::Withdrawn)
        );
        assert_eq!(
            transition(S::Withdrawn, &Action::Accept, A::Committee, &d),
            Ok(S::Accepted)
        );
        assert!(matches!(
            transition(S::Withdrawn, &Action::Accept, A::Head, &c),
            Err(TransitionError::NotForKind { .. })
        ));
    }

    #[test]
    fn reasons_texts_and_targets_are_required() {
        let f = CaseFacts::new(Feedback, false);
        let cases: Vec<(ReportStatus, Action, &str)> = vec![
            (
                S::Received,
                Action::Decline {
                    reason: "  ".into(),
                },
                "reason",
            ),
            (
                S::Received,
                Action::Decline {
                    reason: "ngắn".into(),
                },
                "reason",
            ),
            (
                S::Received,
                Action::Forward {
                    to_unit_id: "u2".into(),
                    reason: String::new(),
                },
                "reason",
            ),
            (
                S::Received,
                Action::Forward {
                    to_unit_id: " ".into(),
                    reason: REASON.into(),
                },
                "to_unit_id",
            ),
            (
                S::Accepted,
                Action::Assign {
                    officer_id: String::new(),
                },
                "officer_id",
            ),
            (
                S::InProgress,
                Action::Extend {
                    reason: String::new(),
                    decision_no: None,
                },
                "reason",
            ),
            (
                S::Accepted,
                Action::Escalate {
                    reason: String::new(),
                },
                "reason",
            ),
            (S::InProgress, Action::Answer { text: "\n".into() }, "text"),
            (
                S::InProgress,
                Action::NoteInternal {
                    text: String::new(),
                },
                "text",
            ),
            (
                S::InProgress,
                Action::ReplyPublic {
                    text: "x".repeat(TEXT_MAX_CHARS + 1),
                },
                "text",
            ),
        ];
        for (status, action, field) in cases {
            let actor = A::Head;
            let e = transition(status, &action, actor, &f).unwrap_err();
            let api = ApiError::from(e);
            assert_eq!(api.code, ErrorCode::ValidationFailed, "{action:?}");
            assert_eq!(api.fields[0].field, field, "{action:?}");
            assert!(!api.fields[0].message.vi.is_empty() && !api.fields[0].message.en.is_empty());
        }
        for s in [S::Answered, S::Closed] {
            let e = transition(
                s,
                &Action::Reopen {
                    reason: String::new(),
                },
                A::Citizen,
                &f,
            )
            .unwrap_err();
            assert_eq!(e.field(), Some("reason"));
        }
        // A withdrawal needs no reason.
        assert!(transition(
            S::Received,
            &Action::Withdraw { reason: None },
            A::Citizen,
            &f
        )
        .is_ok());
    }

    #[test]
    fn refusals_say_what_and_why_in_both_languages() {
        let f = CaseFacts::new(Feedback, false);
        let e = transition(S::Closed, &Action::Accept, A::Head, &f).unwrap_err();
        let api = ApiError::from(e);
        assert_eq!(api.code, ErrorCode::Conflict);
        assert_eq!(api.status(), 409);
        assert_eq!(
            api.message.vi,
            "Không thể thực hiện «Thụ lý» khi đơn đang ở trạng thái «Đã đóng»."
        );
        assert_eq!(
            api.message.en,
            "“Accept for handling” is not possible while the report is “Closed”."
        );
        let e = transition(S::Received, &Action::Accept, A::Citizen, &f).unwrap_err();
        let api = ApiError::from(e);
        assert_eq!(api.status(), 403);
        assert_eq!(
            api.message.vi,
            "Người gửi đơn không được thực hiện thao tác «Thụ lý»."
        );
    }

    #[test]
    fn a_sample_of_refused_transitions() {
        let f = CaseFacts::new(Feedback, false);
        let refused = [
            (S::Received, K::Answer, A::Head),
            (S::Received, K::Start, A::AssignedOfficer),
            (S::Received, K::Close, A::Head),
            (S::Received, K::Assign, A::Head),
            (S::Accepted, K::Decline, A::Head),
            (S::Accepted, K::Accept, A::Head),
            (S::InProgress, K::Close, A::Head),
            (S::InProgress, K::Decline, A::Committee),
            (S::Answered, K::Answer, A::Head),
            (S::Answered, K::Escalate, A::System),
            (S::Escalated, K::Escalate, A::System),
            (S::Closed, K::Answer, A::Head),
            (S::Closed, K::ReplyPublic, A::Head),
            (S::Closed, K::CitizenAddInfo, A::Citizen),
            (S::Declined, K::Accept, A::Head),
            (S::Declined, K::Reopen, A::Citizen),
            (S::Forwarded, K::Answer, A::Head),
            (S::Forwarded, K::Withdraw, A::Citizen),
            (S::Withdrawn, K::Withdraw, A::Citizen),
            (S::Received, K::Accept, A::AssignedOfficer),
            (S::Received, K::Accept, A::System),
            (S::InProgress, K::Assign, A::AssignedOfficer),
            (S::InProgress, K::NoteInternal, A::Citizen),
            (S::Answered, K::CitizenFeedback, A::Head),
            (S::Received, K::Escalate, A::Citizen),
        ];
        for (s, k, a) in refused {
            assert!(transition(s, &sample(k), a, &f).is_err(), "{s} {k} by {a}");
            assert!(!allowed_actions(s, a, &f).contains(&k), "{s} {k} by {a}");
        }
    }

    #[test]
    fn only_internal_notes_are_private_and_records_say_so() {
        for k in ActionKind::ALL {
            assert_eq!(k.public_by_default(), *k != K::NoteInternal);
        }
        let f = CaseFacts::new(Feedback, false);
        let r = TransitionRecord::new(
            S::InProgress,
            &Action::NoteInternal {
                text: "  Kiểm tra camera  ".into(),
            },
            A::Head,
            &f,
            Some("acc-1".into()),
            1_770_000_000_000,
        )
        .unwrap();
        assert!(!r.public);
        assert_eq!(r.text.as_deref(), Some("Kiểm tra camera"));
        assert_eq!((r.from, r.to), (S::InProgress, S::InProgress));
        let r =
            TransitionRecord::new(S::Received, &sample(K::Decline), A::Head, &f, None, 0).unwrap();
        assert!(r.public);
        assert_eq!(r.to, S::Declined);
        assert_eq!(r.reason.as_deref(), Some(REASON));
    }

    #[test]
    fn statuses_and_actions_parse_label_and_serialise() {
        for s in ReportStatus::ALL {
            assert_eq!(ReportStatus::parse(s.as_str()), Some(*s));
            assert_ne!(s.label(Lang::Vi), s.label(Lang::En));
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert_eq!(
            S::Forwarded.label(Lang::Vi),
            "Đã chuyển cơ quan có thẩm quyền"
        );
        assert_eq!(S::InProgress.label(Lang::Vi), "Đang xử lý");
        for k in ActionKind::ALL {
            assert_eq!(ActionKind::parse(k.as_str()), Some(*k));
            assert_eq!(sample(*k).kind(), *k);
            // Every action kind is allowed somewhere for someone.
            assert!(!k.actors().is_empty() && !k.from_statuses().is_empty());
            assert_eq!(
                k.requires_reason(),
                sample(*k).reason().is_some() && *k != K::Withdraw
            );
        }
        let a: Action = serde_json::from_str(
            r#"{"action":"forward","to_unit_id":"u2","reason":"Không thuộc thẩm quyền"}"#,
        )
        .unwrap();
        assert_eq!(a.kind(), K::Forward);
        let json = serde_json::to_string(&Action::Close).unwrap();
        assert_eq!(json, r#"{"action":"close"}"#);
        assert_eq!(S::Received.stage(), Some(Stage::Intake));
        assert_eq!(S::Reopened.stage(), Some(Stage::Resolve));
        assert_eq!(S::Closed.stage(), None);
        for s in ReportStatus::ALL {
            assert!(!(s.is_open() && s.is_final()));
        }
    }
}
