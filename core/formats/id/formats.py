# Kader's one way of writing dates and numbers in Bahasa Indonesia (FORMAT_MODULE_PATH).
# Names not set here (input formats, first day of the week) come from Django's own "id".
# One date format for every page, PDF, e-mail and calendar feed: "5 Des 2026".
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "M Y"
MONTH_DAY_FORMAT = "j M"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
