//! Validation of every input, in one place: the server refuses with these errors and the web app
//! shows the same messages before sending. Each function returns the cleaned value (trimmed,
//! Unicode NFC so that Vietnamese typed with any keyboard compares equal) or every field error.

use crate::error::{ApiError, FieldCode, FieldError, Msg};
use crate::model::*;
use unicode_normalization::UnicodeNormalization;

/// Collects field errors so that one response names every problem at once.
#[derive(Debug, Default)]
pub struct Checker {
    pub errors: Vec<FieldError>,
}

/// Trims and normalises to NFC; control characters are kept so that they can be refused.
pub fn clean(s: &str) -> String {
    s.trim().nfc().collect()
}

impl Checker {
    pub fn new() -> Self {
        Checker::default()
    }

    pub fn push(
        &mut self,
        field: &str,
        code: FieldCode,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.errors.push(FieldError {
            field: field.to_string(),
            code,
            message: Msg::new(vi, en),
            line: None,
        });
    }

    /// Required text of `min..=max` characters, no control characters. Returns the cleaned text.
    pub fn text(
        &mut self,
        field: &str,
        label: (&str, &str),
        value: &str,
        min: usize,
        max: usize,
    ) -> String {
        let v = clean(value);
        let n = v.chars().count();
        if n == 0 && min > 0 {
            self.push(
                field,
                FieldCode::Required,
                format!("Vui lòng nhập {}.", label.0),
                format!("Please enter the {}.", label.1),
            );
        } else if n < min {
            self.push(
                field,
                FieldCode::TooShort,
                format!("{} phải có ít nhất {min} ký tự.", capitalise(label.0)),
                format!("The {} must have at least {min} characters.", label.1),
            );
        } else if n > max {
            self.push(
                field,
                FieldCode::TooLong,
                format!("{} không được dài quá {max} ký tự.", capitalise(label.0)),
                format!("The {} must not be longer than {max} characters.", label.1),
            );
        } else if v.chars().any(|c| c.is_control()) {
            self.push(
                field,
                FieldCode::InvalidFormat,
                format!("{} có ký tự không hợp lệ.", capitalise(label.0)),
                format!("The {} contains characters that are not allowed.", label.1),
            );
        }
        v
    }

    /// Free text of several lines (a report's description, a comment): like `text`, but the
    /// line breaks and tabs a textarea sends are allowed. CRLF and CR become LF.
    pub fn multiline(
        &mut self,
        field: &str,
        label: (&str, &str),
        value: &str,
        min: usize,
        max: usize,
    ) -> String {
        let lines = value.replace("\r\n", "\n").replace('\r', "\n");
        // Checked as one line (same length), so every other control character is still refused.
        let one_line: String = lines
            .chars()
            .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
            .collect();
        self.text(field, label, &one_line, min, max);
        clean(&lines)
    }

    /// Text restricted to a character set (codes, usernames, badge numbers).
    pub fn code(
        &mut self,
        field: &str,
        label: (&str, &str),
        value: &str,
        max: usize,
        allowed: fn(char) -> bool,
        hint: (&str, &str),
    ) -> String {
        let before = self.errors.len();
        let v = self.text(field, label, value, 1, max);
        if self.errors.len() == before && !v.chars().all(allowed) {
            self.push(
                field,
                FieldCode::InvalidFormat,
                format!("{} chỉ được gồm {}.", capitalise(label.0), hint.0),
                format!("The {} may contain only {}.", label.1, hint.1),
            );
        }
        v
    }

    pub fn weekday(&mut self, field: &str, day: u8) {
        if !(1..=7).contains(&day) {
            self.push(
                field,
                FieldCode::InvalidValue,
                "Ngày tiếp công dân phải từ Thứ Hai (1) đến Chủ nhật (7).",
                "The reception day must be from Monday (1) to Sunday (7).",
            );
        }
    }

    /// "HH:MM" on a 24-hour clock; returns minutes after midnight.
    pub fn clock(&mut self, field: &str, value: &str) -> Option<u32> {
        let parsed = parse_clock(value);
        if parsed.is_none() {
            self.push(
                field,
                FieldCode::InvalidFormat,
                "Giờ phải theo dạng GG:PP, ví dụ 07:30.",
                "The time must look like HH:MM, e.g. 07:30.",
            );
        }
        parsed
    }

    pub fn id(&mut self, field: &str, value: &str) -> String {
        let v = value.trim().to_string();
        if v.is_empty() {
            self.push(
                field,
                FieldCode::Required,
                "Vui lòng chọn một mục.",
                "Please choose one.",
            );
        } else if v.len() > 64 || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            self.push(
                field,
                FieldCode::InvalidFormat,
                "Mã tham chiếu không hợp lệ.",
                "The reference is not valid.",
            );
        }
        v
    }

    /// A Vietnamese phone number ([`phone_digits`]), cleaned but as typed.
    pub fn phone(&mut self, field: &str, value: &str) -> String {
        let v = clean(value);
        if phone_digits(&v).is_none() {
            self.push(
                field,
                FieldCode::InvalidFormat,
                "Số điện thoại chưa đúng (ví dụ 0912 345 678).",
                "The phone number is not valid (e.g. 0912 345 678).",
            );
        }
        v
    }

    /// An optional e-mail address, cleaned; `None` when empty.
    pub fn email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let v = value.map(clean).filter(|e| !e.is_empty())?;
        if v.len() > EMAIL_MAX || !is_email(&v) {
            self.push(
                field,
                FieldCode::InvalidFormat,
                "Địa chỉ thư điện tử chưa đúng.",
                "The e-mail address is not valid.",
            );
        }
        Some(v)
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.errors))
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A Vietnamese phone number as typed ("0912 345 678", "+84 912.345.678") in its national
/// form of digits ("0912345678"); `None` unless that is 10 or 11 digits starting with 0.
pub fn phone_digits(s: &str) -> Option<String> {
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    let d = digits
        .strip_prefix("+84")
        .map(|r| format!("0{r}"))
        .unwrap_or(digits);
    ((10..=11).contains(&d.len()) && d.starts_with('0') && d.chars().all(|c| c.is_ascii_digit()))
        .then_some(d)
}

/// The longest e-mail address accepted, in bytes.
pub const EMAIL_MAX: usize = 200;

/// Something that can be an e-mail address: a name, an @ and a domain with a dot, no spaces.
pub fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, host)) => {
            !user.is_empty() && host.contains('.') && !host.starts_with('.') && !s.contains(' ')
        }
        None => false,
    }
}

pub fn parse_clock(value: &str) -> Option<u32> {
    let v = value.trim();
    let (h, m) = v.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    (h < 24 && m < 60).then_some(h * 60 + m)
}

pub fn format_clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

const NAME_MAX: usize = 200;
const ADDRESS_MAX: usize = 300;
const TITLE_MAX: usize = 120;

fn unit_code_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')
}

fn badge_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '/')
}

fn username_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_')
}

fn unit_code(ck: &mut Checker, v: &str) -> String {
    ck.code(
        "code",
        ("mã đơn vị", "unit code"),
        v,
        32,
        unit_code_char,
        (
            "chữ cái không dấu, chữ số và các dấu . - _",
            "unaccented letters, digits and . - _",
        ),
    )
}

fn reception(ck: &mut Checker, weekday: u8, start: &str, end: &str) -> (String, String) {
    ck.weekday("reception_weekday", weekday);
    let s = ck.clock("reception_start", start);
    let e = ck.clock("reception_end", end);
    if let (Some(s), Some(e)) = (s, e) {
        if s >= e {
            ck.push(
                "reception_end",
                FieldCode::InvalidValue,
                "Giờ kết thúc phải sau giờ bắt đầu.",
                "The end time must be after the start time.",
            );
        }
        return (format_clock(s), format_clock(e));
    }
    (start.trim().to_string(), end.trim().to_string())
}

/// A new unit, cleaned, with reception defaults filled in.
pub fn new_unit(input: &NewUnit) -> Result<NewUnit, ApiError> {
    let mut ck = Checker::new();
    let code = unit_code(&mut ck, &input.code);
    let name = ck.text(
        "name",
        ("tên đơn vị", "unit name"),
        &input.name,
        2,
        NAME_MAX,
    );
    let address = ck.text(
        "address",
        ("địa chỉ", "address"),
        input.address.as_deref().unwrap_or(""),
        0,
        ADDRESS_MAX,
    );
    let parent_id = input.parent_id.as_deref().map(|p| ck.id("parent_id", p));
    if input.kind.allowed_parents().is_empty() && parent_id.is_some() {
        ck.push(
            "parent_id",
            FieldCode::InvalidValue,
            "Tỉnh, thành phố là đơn vị cấp cao nhất, không có đơn vị cấp trên.",
            "A province is a top-level unit and has no parent.",
        );
    }
    if !input.kind.allowed_parents().is_empty() && parent_id.is_none() {
        ck.push(
            "parent_id",
            FieldCode::Required,
            "Vui lòng chọn đơn vị cấp trên.",
            "Please choose the parent unit.",
        );
    }
    let weekday = input.reception_weekday.unwrap_or(DEFAULT_RECEPTION_WEEKDAY);
    let (start, end) = reception(
        &mut ck,
        weekday,
        input
            .reception_start
            .as_deref()
            .unwrap_or(DEFAULT_RECEPTION_START),
        input
            .reception_end
            .as_deref()
            .unwrap_or(DEFAULT_RECEPTION_END),
    );
    ck.finish()?;
    Ok(NewUnit {
        parent_id,
        kind: input.kind,
        code,
        name,
        address: Some(address),
        reception_weekday: Some(weekday),
        reception_start: Some(start),
        reception_end: Some(end),
        remote_area: input.remote_area,
    })
}

/// A unit edit, cleaned; `current` supplies the fields the patch leaves alone so that the
/// reception hours are checked as a whole.
pub fn unit_patch(patch: &UnitPatch, current: &Unit) -> Result<UnitPatch, ApiError> {
    let mut ck = Checker::new();
    let code = patch.code.as_deref().map(|c| unit_code(&mut ck, c));
    let name = patch
        .name
        .as_deref()
        .map(|n| ck.text("name", ("tên đơn vị", "unit name"), n, 2, NAME_MAX));
    let address = patch
        .address
        .as_deref()
        .map(|a| ck.text("address", ("địa chỉ", "address"), a, 0, ADDRESS_MAX));
    let parent_id = patch.parent_id.as_deref().map(|p| ck.id("parent_id", p));
    if parent_id.is_some() && current.kind.allowed_parents().is_empty() {
        ck.push(
            "parent_id",
            FieldCode::InvalidValue,
            "Tỉnh, thành phố là đơn vị cấp cao nhất, không có đơn vị cấp trên.",
            "A province is a top-level unit and has no parent.",
        );
    }
    let touches_reception = patch.reception_weekday.is_some()
        || patch.reception_start.is_some()
        || patch.reception_end.is_some();
    let (mut start, mut end) = (None, None);
    if touches_reception {
        let (s, e) = reception(
            &mut ck,
            patch.reception_weekday.unwrap_or(current.reception_weekday),
            patch
                .reception_start
                .as_deref()
                .unwrap_or(&current.reception_start),
            patch
                .reception_end
                .as_deref()
                .unwrap_or(&current.reception_end),
        );
        start = Some(s);
        end = Some(e);
    }
    ck.finish()?;
    Ok(UnitPatch {
        parent_id,
        code,
        name,
        address,
        reception_weekday: patch.reception_weekday,
        reception_start: start,
        reception_end: end,
        active: patch.active,
        remote_area: patch.remote_area,
    })
}

fn counter_name(ck: &mut Checker, v: &str) -> String {
    ck.text("name", ("tên quầy", "counter name"), v, 1, NAME_MAX)
}

pub fn new_counter(input: &NewCounter) -> Result<NewCounter, ApiError> {
    let mut ck = Checker::new();
    let unit_id = ck.id("unit_id", &input.unit_id);
    let name = counter_name(&mut ck, &input.name);
    ck.finish()?;
    Ok(NewCounter { unit_id, name })
}

pub fn counter_patch(patch: &CounterPatch) -> Result<CounterPatch, ApiError> {
    let mut ck = Checker::new();
    let name = patch.name.as_deref().map(|n| counter_name(&mut ck, n));
    ck.finish()?;
    Ok(CounterPatch {
        name,
        active: patch.active,
    })
}

fn person_name(ck: &mut Checker, v: &str) -> String {
    ck.text("full_name", ("họ và tên", "full name"), v, 2, 120)
}

fn staff_title(ck: &mut Checker, v: &str) -> String {
    ck.text("title", ("chức danh", "title"), v, 2, TITLE_MAX)
}

fn badge(ck: &mut Checker, v: &str) -> String {
    ck.code(
        "badge_number",
        ("số thẻ công chức", "badge number"),
        v,
        32,
        badge_char,
        (
            "chữ cái không dấu, chữ số và các dấu . - /",
            "unaccented letters, digits and . - /",
        ),
    )
}

pub fn new_staff(input: &NewStaff) -> Result<NewStaff, ApiError> {
    let mut ck = Checker::new();
    let unit_id = ck.id("unit_id", &input.unit_id);
    let full_name = person_name(&mut ck, &input.full_name);
    let title = staff_title(&mut ck, &input.title);
    let badge_number = badge(&mut ck, &input.badge_number);
    let counter_id = input
        .counter_id
        .as_deref()
        .filter(|c| !c.trim().is_empty())
        .map(|c| ck.id("counter_id", c));
    ck.finish()?;
    Ok(NewStaff {
        unit_id,
        full_name,
        title,
        badge_number,
        counter_id,
    })
}

pub fn staff_patch(patch: &StaffPatch) -> Result<StaffPatch, ApiError> {
    let mut ck = Checker::new();
    let unit_id = patch.unit_id.as_deref().map(|u| ck.id("unit_id", u));
    let full_name = patch.full_name.as_deref().map(|n| person_name(&mut ck, n));
    let title = patch.title.as_deref().map(|t| staff_title(&mut ck, t));
    let badge_number = patch.badge_number.as_deref().map(|b| badge(&mut ck, b));
    let counter_id = patch.counter_id.as_ref().map(|c| {
        c.as_deref()
            .filter(|c| !c.trim().is_empty())
            .map(|c| ck.id("counter_id", c))
    });
    ck.finish()?;
    Ok(StaffPatch {
        unit_id,
        full_name,
        title,
        badge_number,
        counter_id,
        active: patch.active,
    })
}

pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;

fn password(ck: &mut Checker, v: &str) {
    let n = v.chars().count();
    if n < PASSWORD_MIN {
        ck.push(
            "password",
            FieldCode::TooShort,
            format!("Mật khẩu phải có ít nhất {PASSWORD_MIN} ký tự."),
            format!("The password must have at least {PASSWORD_MIN} characters."),
        );
    } else if n > PASSWORD_MAX {
        ck.push(
            "password",
            FieldCode::TooLong,
            format!("Mật khẩu không được dài quá {PASSWORD_MAX} ký tự."),
            format!("The password must not be longer than {PASSWORD_MAX} characters."),
        );
    }
}

fn username(ck: &mut Checker, v: &str) -> String {
    let v = v.trim().to_lowercase();
    let before = ck.errors.len();
    let v = ck.code(
        "username",
        ("tên đăng nhập", "username"),
        &v,
        64,
        username_char,
        (
            "chữ thường không dấu, chữ số và các dấu . - _",
            "lower-case letters, digits and . - _",
        ),
    );
    if ck.errors.len() == before && v.chars().count() < 3 {
        ck.push(
            "username",
            FieldCode::TooShort,
            "Tên đăng nhập phải có ít nhất 3 ký tự.",
            "The username must have at least 3 characters.",
        );
    }
    v
}

fn role_scope(ck: &mut Checker, role: Role, unit_id: Option<&str>) -> Option<String> {
    let unit_id = unit_id
        .filter(|u| !u.trim().is_empty())
        .map(|u| ck.id("unit_id", u));
    if unit_id.is_none() && role != Role::Admin {
        ck.push(
            "unit_id",
            FieldCode::Required,
            "Vui lòng chọn đơn vị của tài khoản.",
            "Please choose the account's unit.",
        );
    }
    unit_id
}

/// A member of staff's phone for the platform's messages: empty is none; a number is kept as
/// its digits ("0912345678"), the form an SMS gateway expects.
fn staff_phone(ck: &mut Checker, v: Option<&str>) -> Option<String> {
    let v = v.map(clean).filter(|p| !p.is_empty())?;
    let typed = ck.phone("phone", &v);
    Some(phone_digits(&typed).unwrap_or(typed))
}

pub fn new_account(input: &NewAccount) -> Result<NewAccount, ApiError> {
    let mut ck = Checker::new();
    let username = username(&mut ck, &input.username);
    password(&mut ck, &input.password);
    let full_name = person_name(&mut ck, &input.full_name);
    let unit_id = role_scope(&mut ck, input.role, input.unit_id.as_deref());
    let phone = staff_phone(&mut ck, input.phone.as_deref());
    let email = ck.email("email", input.email.as_deref());
    let staff_id = input
        .staff_id
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| ck.id("staff_id", s));
    ck.finish()?;
    Ok(NewAccount {
        username,
        password: input.password.clone(),
        full_name,
        role: input.role,
        unit_id,
        phone,
        email,
        staff_id,
    })
}

pub fn account_patch(patch: &AccountPatch) -> Result<AccountPatch, ApiError> {
    let mut ck = Checker::new();
    let full_name = patch.full_name.as_deref().map(|n| person_name(&mut ck, n));
    let unit_id = patch.unit_id.as_deref().map(|u| ck.id("unit_id", u));
    if let Some(p) = &patch.password {
        password(&mut ck, p);
    }
    let phone = patch
        .phone
        .as_ref()
        .map(|p| staff_phone(&mut ck, p.as_deref()));
    let email = patch
        .email
        .as_ref()
        .map(|e| ck.email("email", e.as_deref()));
    let staff_id = patch.staff_id.as_ref().map(|s| {
        s.as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| ck.id("staff_id", s))
    });
    ck.finish()?;
    Ok(AccountPatch {
        full_name,
        role: patch.role,
        unit_id,
        active: patch.active,
        password: patch.password.clone(),
        phone,
        email,
        staff_id,
    })
}

/// Login only checks sizes: anything else would tell an attacker which usernames exist.
pub fn login(input: &LoginRequest) -> Result<LoginRequest, ApiError> {
    let mut ck = Checker::new();
    let username = input.username.trim().to_lowercase();
    if username.is_empty() || username.len() > 64 {
        ck.push(
            "username",
            FieldCode::Required,
            "Vui lòng nhập tên đăng nhập.",
            "Please enter your username.",
        );
    }
    if input.password.is_empty() || input.password.chars().count() > PASSWORD_MAX {
        ck.push(
            "password",
            FieldCode::Required,
            "Vui lòng nhập mật khẩu.",
            "Please enter your password.",
        );
    }
    ck.finish()?;
    Ok(LoginRequest {
        username,
        password: input.password.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commune() -> NewUnit {
        NewUnit {
            parent_id: Some("0190a0b0-0000-7000-8000-000000000001".into()),
            kind: UnitKind::Commune,
            code: "30001".into(),
            name: "  UBND xã Hòa Bình ".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_new_unit_is_trimmed_and_gets_reception_defaults() {
        let u = new_unit(&commune()).unwrap();
        assert_eq!(u.name, "UBND xã Hòa Bình");
        assert_eq!(u.reception_weekday, Some(3));
        assert_eq!(u.reception_start.as_deref(), Some("07:30"));
    }

    #[test]
    fn decomposed_vietnamese_is_normalised_to_nfc() {
        let mut u = commune();
        u.name = "UBND xa\u{0303} Ho\u{0300}a Bi\u{0300}nh".into();
        let u = new_unit(&u).unwrap();
        assert_eq!(u.name, "UBND xã Hòa Bình");
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let mut u = commune();
        u.code = "mã có dấu".into();
        u.name = "x".repeat(201);
        u.reception_start = Some("25:00".into());
        let err = new_unit(&u).unwrap_err();
        let fields: Vec<_> = err.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["code", "name", "reception_start"]);
        assert!(err
            .fields
            .iter()
            .all(|f| !f.message.vi.is_empty() && !f.message.en.is_empty()));
    }

    #[test]
    fn a_commune_needs_a_parent_and_a_province_may_not_have_one() {
        let mut u = commune();
        u.parent_id = None;
        assert_eq!(new_unit(&u).unwrap_err().fields[0].field, "parent_id");
        u.kind = UnitKind::Province;
        assert!(new_unit(&u).is_ok());
        u.parent_id = Some("abc".into());
        assert_eq!(
            new_unit(&u).unwrap_err().fields[0].code,
            FieldCode::InvalidValue
        );
    }

    #[test]
    fn reception_must_end_after_it_starts() {
        let mut u = commune();
        u.reception_start = Some("11:00".into());
        u.reception_end = Some("08:00".into());
        let err = new_unit(&u).unwrap_err();
        assert_eq!(err.fields[0].field, "reception_end");
    }

    #[test]
    fn clock_parsing() {
        assert_eq!(parse_clock("7:30"), Some(450));
        assert_eq!(parse_clock("23:59"), Some(1439));
        assert_eq!(parse_clock("24:00"), None);
        assert_eq!(parse_clock("07:3"), None);
        assert_eq!(parse_clock("ab:cd"), None);
    }

    #[test]
    fn control_characters_are_refused() {
        let mut u = commune();
        u.name = "UBND\u{0007}xã".into();
        assert_eq!(
            new_unit(&u).unwrap_err().fields[0].code,
            FieldCode::InvalidFormat
        );
    }

    #[test]
    fn accounts_need_a_unit_unless_national_admin() {
        let a = NewAccount {
            username: "Chu.Tich".into(),
            password: "mat-khau-dai-du".into(),
            full_name: "Nguyễn Văn A".into(),
            role: Role::Head,
            unit_id: None,
            phone: None,
            email: None,
            staff_id: None,
        };
        assert_eq!(new_account(&a).unwrap_err().fields[0].field, "unit_id");
        let ok = new_account(&NewAccount {
            role: Role::Admin,
            ..a.clone()
        })
        .unwrap();
        assert_eq!(ok.username, "chu.tich");
        let short = new_account(&NewAccount {
            password: "short".into(),
            ..a
        })
        .unwrap_err();
        assert!(short.fields.iter().any(|f| f.code == FieldCode::TooShort));
    }

    #[test]
    fn a_staff_contact_is_a_vietnamese_phone_and_an_email_address() {
        let head = NewAccount {
            username: "chutich.xa".into(),
            password: "mat-khau-dai-du".into(),
            full_name: "Vũ Đức Thắng".into(),
            role: Role::Head,
            unit_id: Some("u1".into()),
            phone: Some(" +84 912.345-678 ".into()),
            email: Some(" chutich@giavien.gov.vn ".into()),
            staff_id: None,
        };
        let ok = new_account(&head).unwrap();
        assert_eq!(ok.phone.as_deref(), Some("0912345678"));
        assert_eq!(ok.email.as_deref(), Some("chutich@giavien.gov.vn"));
        // Empty means none.
        let none = new_account(&NewAccount {
            phone: Some("  ".into()),
            email: Some(String::new()),
            ..head.clone()
        })
        .unwrap();
        assert_eq!((none.phone, none.email), (None, None));
        let err = new_account(&NewAccount {
            phone: Some("12345".into()),
            email: Some("chutich at giavien".into()),
            ..head
        })
        .unwrap_err();
        let fields: Vec<_> = err.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["phone", "email"]);
        assert!(err.fields[0].message.vi.starts_with("Số điện thoại"));
        assert!(err.fields[0].message.en.starts_with("The phone number"));
        // An edit: absent is unchanged, null or empty removes, a bad one is refused.
        let patch = account_patch(&AccountPatch {
            phone: Some(None),
            email: Some(Some("".into())),
            ..Default::default()
        })
        .unwrap();
        assert_eq!((patch.phone, patch.email), (Some(None), Some(None)));
        assert_eq!(account_patch(&AccountPatch::default()).unwrap().phone, None);
        assert_eq!(
            account_patch(&AccountPatch {
                phone: Some(Some("0912".into())),
                ..Default::default()
            })
            .unwrap_err()
            .fields[0]
                .field,
            "phone"
        );
    }

    #[test]
    fn staff_badge_rejects_spaces() {
        let s = NewStaff {
            unit_id: "u1".into(),
            full_name: "Trần Thị B".into(),
            title: "Công chức Tư pháp - Hộ tịch".into(),
            badge_number: "12 34".into(),
            counter_id: Some("".into()),
        };
        let err = new_staff(&s).unwrap_err();
        assert_eq!(err.fields.len(), 1);
        assert_eq!(err.fields[0].field, "badge_number");
    }

    #[test]
    fn error_json_shape_is_stable() {
        let e = ApiError::new(crate::ErrorCode::Forbidden);
        let v: serde_json::Value = serde_json::to_value(&e).unwrap();
        assert_eq!(v["code"], "forbidden");
        assert!(v["message"]["vi"].as_str().unwrap().contains("quyền"));
        assert!(v.get("fields").is_none());
    }
}
