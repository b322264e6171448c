//! Table definitions, shared by both backends: every column uses a type that SQLite and
//! PostgreSQL map the same way (TEXT, BIGINT, INTEGER, BOOLEAN, BLOB/BYTEA).

diesel::table! {
    units (id) {
        id -> Text,
        parent_id -> Nullable<Text>,
        kind -> Text,
        code -> Text,
        name -> Text,
        address -> Text,
        reception_weekday -> Integer,
        reception_start -> Text,
        reception_end -> Text,
        active -> Bool,
        path -> Text,
        depth -> Integer,
        created_at -> BigInt,
        updated_at -> BigInt,
        remote_area -> Bool,
    }
}

diesel::table! {
    counters (id) {
        id -> Text,
        unit_id -> Text,
        name -> Text,
        qr_token -> Text,
        active -> Bool,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    staff (id) {
        id -> Text,
        unit_id -> Text,
        full_name -> Text,
        title -> Text,
        badge_number -> Text,
        counter_id -> Nullable<Text>,
        has_photo -> Bool,
        active -> Bool,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    staff_photos (staff_id) {
        staff_id -> Text,
        content_type -> Text,
        bytes -> Binary,
        updated_at -> BigInt,
    }
}

diesel::table! {
    accounts (id) {
        id -> Text,
        username -> Text,
        password_hash -> Text,
        full_name -> Text,
        role -> Text,
        unit_id -> Nullable<Text>,
        active -> Bool,
        auth_version -> Integer,
        created_at -> BigInt,
        updated_at -> BigInt,
        phone_enc -> Nullable<Text>,
        email_enc -> Nullable<Text>,
        staff_id -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        account_id -> Text,
        kind -> Text,
        token_hash -> Text,
        previous_token_hash -> Nullable<Text>,
        auth_version -> Integer,
        created_at -> BigInt,
        last_used_at -> BigInt,
        expires_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    server_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    ratings (id) {
        id -> Text,
        counter_id -> Text,
        unit_id -> Text,
        staff_id -> Nullable<Text>,
        overall -> Text,
        sipas_access -> Nullable<Integer>,
        sipas_procedure -> Nullable<Integer>,
        sipas_attitude -> Nullable<Integer>,
        sipas_timeliness -> Nullable<Integer>,
        sipas_feedback_handling -> Nullable<Integer>,
        comment -> Text,
        dossier_code -> Text,
        device_hash -> Text,
        network_hash -> Text,
        flagged -> Bool,
        flag_reason -> Nullable<Text>,
        reviewed_at -> Nullable<BigInt>,
        idempotency_key -> Text,
        request_hash -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
        review_outcome -> Nullable<Text>,
        reviewed_by -> Nullable<Text>,
        review_note -> Nullable<Text>,
    }
}

diesel::table! {
    reports (id) {
        id -> Text,
        tracking_code -> Text,
        secret_hash -> Nullable<Text>,
        kind -> Text,
        category -> Text,
        unit_id -> Text,
        counter_id -> Nullable<Text>,
        staff_id -> Nullable<Text>,
        occurred_at -> Nullable<BigInt>,
        description -> Text,
        anonymous -> Bool,
        reporter_name_enc -> Nullable<Text>,
        reporter_phone_enc -> Nullable<Text>,
        reporter_email_enc -> Nullable<Text>,
        consent_at -> Nullable<BigInt>,
        wants_meeting -> Bool,
        status -> Text,
        idempotency_key -> Text,
        request_hash -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
        assigned_account_id -> Nullable<Text>,
        deadline_stage -> Nullable<Text>,
        due_on -> Nullable<Text>,
        opened_at -> Nullable<BigInt>,
        about_head -> Bool,
        withheld_from_unit -> Bool,
        erasure_requested_at -> Nullable<BigInt>,
        personal_data_erased_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    report_photos (id) {
        id -> Text,
        report_id -> Text,
        position -> Integer,
        content_type -> Text,
        full_bytes -> Binary,
        thumb_bytes -> Binary,
        width -> Integer,
        height -> Integer,
        created_at -> BigInt,
        event_id -> Nullable<Text>,
        object_key -> Nullable<Text>,
    }
}

diesel::table! {
    report_events (id) {
        id -> Text,
        report_id -> Text,
        kind -> Text,
        public -> Bool,
        by_role -> Nullable<Text>,
        body -> Text,
        created_at -> BigInt,
        idempotency_key -> Nullable<Text>,
        actor_account_id -> Nullable<Text>,
        reason -> Nullable<Text>,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
    }
}

diesel::table! {
    /// The redacted copy of a report photo and its regions (JSON); the original stays in
    /// report_photos.
    photo_redactions (photo_id) {
        photo_id -> Text,
        report_id -> Text,
        regions -> Text,
        full_bytes -> Binary,
        thumb_bytes -> Binary,
        redacted_by -> Nullable<Text>,
        redacted_at -> BigInt,
        object_key -> Nullable<Text>,
    }
}

diesel::table! {
    rate_limits (scope, subject) {
        scope -> Text,
        subject -> Text,
        full_at -> BigInt,
    }
}

diesel::table! {
    job_leases (name) {
        name -> Text,
        holder -> Text,
        lease_until -> BigInt,
        last_run_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    case_apologies (id) {
        id -> Text,
        report_id -> Text,
        missed_due_on -> Text,
        new_due_on -> Text,
        body -> Text,
        created_at -> BigInt,
        sent_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    case_counts (unit_id, status, kind, category, withheld) {
        unit_id -> Text,
        status -> Text,
        kind -> Text,
        category -> Text,
        withheld -> Bool,
        n -> BigInt,
    }
}

diesel::table! {
    calendar_years (year) {
        year -> Integer,
        data -> Text,
        updated_at -> BigInt,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        channel -> Text,
        recipient_enc -> Text,
        body -> Text,
        report_id -> Nullable<Text>,
        created_at -> BigInt,
        next_attempt_at -> BigInt,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        claimed_until -> Nullable<BigInt>,
        sent_at -> Nullable<BigInt>,
        kind -> Text,
        account_id -> Nullable<Text>,
    }
}

diesel::table! {
    reception_digests (unit_id, session_date) {
        unit_id -> Text,
        session_date -> Text,
        messages -> Integer,
        created_at -> BigInt,
    }
}

diesel::table! {
    reception_sessions (id) {
        id -> Text,
        unit_id -> Text,
        session_date -> Text,
        start_time -> Text,
        end_time -> Text,
        opened_by -> Text,
        opened_at -> BigInt,
    }
}

diesel::table! {
    reception_entries (id) {
        id -> Text,
        session_id -> Text,
        entry_no -> Integer,
        report_id -> Nullable<Text>,
        citizen_name_enc -> Text,
        citizen_address_enc -> Text,
        matter -> Text,
        earlier_handling -> Text,
        request -> Text,
        action_taken -> Text,
        outcome -> Text,
        follow_up -> Text,
        public -> Bool,
        created_by -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    deadline_settings (id) {
        id -> Integer,
        data -> Text,
        version -> Text,
        updated_at -> BigInt,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    /// Append-only, hash-chained (services::audit); the database refuses UPDATE and DELETE.
    audit_log (id) {
        id -> BigInt,
        at -> BigInt,
        actor_account_id -> Nullable<Text>,
        actor_role -> Text,
        actor_username -> Text,
        action -> Text,
        object_kind -> Text,
        object_id -> Text,
        unit_path -> Nullable<Text>,
        from_address -> Nullable<Text>,
        detail -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    /// Each reveal of an identified reporter by a committee member, with its reason.
    identity_reveals (id) {
        id -> Text,
        report_id -> Text,
        account_id -> Text,
        reason -> Text,
        created_at -> BigInt,
    }
}

diesel::joinable!(identity_reveals -> reports (report_id));
diesel::joinable!(identity_reveals -> accounts (account_id));
diesel::joinable!(reception_sessions -> units (unit_id));
diesel::joinable!(reception_entries -> reception_sessions (session_id));
diesel::joinable!(case_apologies -> reports (report_id));
diesel::joinable!(reports -> units (unit_id));
diesel::joinable!(report_photos -> reports (report_id));
diesel::joinable!(report_events -> reports (report_id));
diesel::joinable!(photo_redactions -> report_photos (photo_id));
diesel::joinable!(counters -> units (unit_id));
diesel::joinable!(ratings -> counters (counter_id));
diesel::joinable!(staff -> units (unit_id));
diesel::joinable!(accounts -> units (unit_id));
diesel::joinable!(sessions -> accounts (account_id));

diesel::table! {
    case_months (unit_id, month, kind, category) {
        unit_id -> Text,
        month -> BigInt,
        kind -> Text,
        category -> Text,
        received -> BigInt,
        accepted -> BigInt,
        accept_ms -> BigInt,
        answered -> BigInt,
        answer_ms -> BigInt,
        resolved -> BigInt,
    }
}

diesel::table! {
    case_deadline_months (unit_id, month, stage) {
        unit_id -> Text,
        month -> BigInt,
        stage -> Text,
        on_time -> BigInt,
        late -> BigInt,
    }
}

diesel::table! {
    rating_unit_months (unit_id, month) {
        unit_id -> Text,
        month -> BigInt,
        very_satisfied -> BigInt,
        satisfied -> BigInt,
        not_satisfied -> BigInt,
        access_n -> BigInt,
        access_good -> BigInt,
        procedure_n -> BigInt,
        procedure_good -> BigInt,
        attitude_n -> BigInt,
        attitude_good -> BigInt,
        timeliness_n -> BigInt,
        timeliness_good -> BigInt,
        feedback_n -> BigInt,
        feedback_good -> BigInt,
    }
}

diesel::table! {
    case_unit_days (unit_id, day) {
        unit_id -> Text,
        day -> BigInt,
        received -> BigInt,
        on_time -> BigInt,
        late -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    units,
    counters,
    staff,
    staff_photos,
    accounts,
    sessions,
    server_secrets,
    ratings,
    reports,
    report_photos,
    report_events,
    photo_redactions,
    job_leases,
    rate_limits,
    case_apologies,
    calendar_years,
    outbox,
    reception_sessions,
    reception_entries,
    deadline_settings,
    reception_digests,
    audit_log,
    identity_reveals,
);

diesel::table! {
    /// The configurable list of discipline measures (services::findings), lightest first.
    discipline_measures (id) {
        id -> Text,
        name_vi -> Text,
        name_en -> Text,
        position -> Integer,
        active -> Bool,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    /// The committee's findings; never changed (a revision is a new row), the database
    /// refuses UPDATE and DELETE.
    findings (id) {
        id -> Text,
        report_id -> Text,
        staff_id -> Nullable<Text>,
        conclusion -> Text,
        discipline_id -> Nullable<Text>,
        referral_to -> Nullable<Text>,
        referral_text -> Nullable<Text>,
        note -> Text,
        recorded_by -> Text,
        recorded_at -> BigInt,
        revises -> Nullable<Text>,
    }
}

diesel::joinable!(findings -> reports (report_id));
diesel::joinable!(findings -> discipline_measures (discipline_id));
diesel::joinable!(findings -> accounts (recorded_by));

// The findings' tables with those they are read with, pair by pair: the list above already
// pairs the others, and a second list naming them again would pair them twice.
diesel::allow_tables_to_appear_in_same_query!(findings, discipline_measures);
diesel::allow_tables_to_appear_in_same_query!(findings, reports);
diesel::allow_tables_to_appear_in_same_query!(findings, units);
diesel::allow_tables_to_appear_in_same_query!(findings, staff);
diesel::allow_tables_to_appear_in_same_query!(findings, accounts);
diesel::allow_tables_to_appear_in_same_query!(discipline_measures, reports);
diesel::allow_tables_to_appear_in_same_query!(discipline_measures, units);
diesel::allow_tables_to_appear_in_same_query!(discipline_measures, staff);
diesel::allow_tables_to_appear_in_same_query!(discipline_measures, accounts);

diesel::table! {
    /// Published ratings per Vietnam day (days since 1970-01-01, UTC+7) and unit, kept by
    /// triggers (migration 2026-11-23-000020_figures).
    rating_unit_days (unit_id, day) {
        unit_id -> Text,
        day -> BigInt,
        very_satisfied -> BigInt,
        satisfied -> BigInt,
        not_satisfied -> BigInt,
        access_n -> BigInt,
        access_good -> BigInt,
        procedure_n -> BigInt,
        procedure_good -> BigInt,
        attitude_n -> BigInt,
        attitude_good -> BigInt,
        timeliness_n -> BigInt,
        timeliness_good -> BigInt,
        feedback_n -> BigInt,
        feedback_good -> BigInt,
    }
}

diesel::table! {
    /// The same per counter and officer (`staff_id` '' when none was named).
    rating_staff_days (unit_id, day, counter_id, staff_id) {
        unit_id -> Text,
        day -> BigInt,
        counter_id -> Text,
        staff_id -> Text,
        very_satisfied -> BigInt,
        satisfied -> BigInt,
        not_satisfied -> BigInt,
        access_n -> BigInt,
        access_good -> BigInt,
        procedure_n -> BigInt,
        procedure_good -> BigInt,
        attitude_n -> BigInt,
        attitude_good -> BigInt,
        timeliness_n -> BigInt,
        timeliness_good -> BigInt,
        feedback_n -> BigInt,
        feedback_good -> BigInt,
    }
}

diesel::table! {
    case_days (unit_id, day, kind, category) {
        unit_id -> Text,
        day -> BigInt,
        kind -> Text,
        category -> Text,
        received -> BigInt,
        accepted -> BigInt,
        accept_ms -> BigInt,
        answered -> BigInt,
        answer_ms -> BigInt,
        resolved -> BigInt,
    }
}

diesel::table! {
    case_stage_ends (report_id, stage, ended_at) {
        report_id -> Text,
        stage -> Text,
        ended_at -> BigInt,
        unit_id -> Text,
        assigned_account_id -> Nullable<Text>,
        due_day -> BigInt,
        ended_day -> BigInt,
        on_time -> Bool,
    }
}

diesel::table! {
    case_deadline_days (unit_id, day, stage) {
        unit_id -> Text,
        day -> BigInt,
        stage -> Text,
        on_time -> BigInt,
        late -> BigInt,
    }
}
diesel::allow_tables_to_appear_in_same_query!(case_stage_ends, accounts);
