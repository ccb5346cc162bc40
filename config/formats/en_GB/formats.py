# British English as people in the UK and most of the English-speaking world
# outside the US write it: day before month, 24-hour clock (Django's en_GB keeps
# the US "2:30 p.m.").
DATE_FORMAT = "j M Y"  # 4 Dec 2026
TIME_FORMAT = "H:i"  # 16:26
DATETIME_FORMAT = "j M Y, H:i"  # 4 Dec 2026, 16:26
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 4 December
SHORT_DATE_FORMAT = "d/m/Y"  # 04/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 04/12/2026 16:26
FIRST_DAY_OF_WEEK = 1  # Monday
