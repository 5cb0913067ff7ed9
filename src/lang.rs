//! The one language type: which words Pizhu adds around the user's text — the window's
//! strings, an export's headers and colour names, the command line's labels.

/// Simplified Chinese or English.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// 简体中文.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Chinese for any `zh` locale, English otherwise (`None`: unknown, English).
    pub fn from_locale(locale: Option<&str>) -> Self {
        match locale {
            Some(l) if l.to_ascii_lowercase().starts_with("zh") => Self::Zh,
            _ => Self::En,
        }
    }

    /// The system's language, as its locale says.
    pub fn of_system() -> Self {
        Self::from_locale(sys_locale::get_locale().as_deref())
    }

    /// Whether it is Chinese.
    pub fn is_zh(self) -> bool {
        self == Self::Zh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_chinese_locale_is_chinese_anything_else_english() {
        for l in ["zh-CN", "zh_TW.UTF-8", "ZH-hk"] {
            assert_eq!(Lang::from_locale(Some(l)), Lang::Zh, "{l}");
        }
        for l in ["en-US", "fr", ""] {
            assert_eq!(Lang::from_locale(Some(l)), Lang::En, "{l}");
        }
        assert_eq!(Lang::from_locale(None), Lang::En);
    }
}
