"""Date, time and number formats per language (settings.FORMAT_MODULE_PATH).

Every language writes day-month-year and 24-hour times and starts the week on Monday; English
follows British usage. Django's own modules fill in whatever is not set here. Date inputs are
`<input type="date">` and always exchange ISO dates (msc_portal.widgets.DateInput), so ISO comes
first among the input formats too.
"""
