pub fn app_placeholder() {}
