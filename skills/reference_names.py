# ruff: noqa: E501 (official names, one per line)
"""The names of the classification levels that pages show, for the translation catalogues.

NACE Rev. 2.1 sections and divisions and ISCO-08 major and sub-major groups are fixed, published
classifications shipped with the code (`naceconverter`, `data/isco08.csv`), so their names are
translated like any other text of the code: the rows keep the official English name and pages show
`Sector.label` / `IscoGroup.label`, which looks the name up in the catalogue. A test keeps this list
equal to what `classifications_load()` loads. Finer levels (groups, classes, unit groups) and ESCO
are shown as published.
"""

from django.utils.translation import pgettext_lazy

NACE_CONTEXT = "NACE Rev. 2.1"
ISCO_CONTEXT = "ISCO-08"

# makemessages reads the context only from a literal, hence the repetition.
NACE_NAMES = {
    "A": pgettext_lazy("NACE Rev. 2.1", "Agriculture, forestry and fishing"),
    "01": pgettext_lazy(
        "NACE Rev. 2.1", "Crop and animal production, hunting and related service activities"
    ),
    "02": pgettext_lazy("NACE Rev. 2.1", "Forestry and logging"),
    "03": pgettext_lazy("NACE Rev. 2.1", "Fishing and aquaculture"),
    "B": pgettext_lazy("NACE Rev. 2.1", "Mining and quarrying"),
    "05": pgettext_lazy("NACE Rev. 2.1", "Mining of coal and lignite"),
    "06": pgettext_lazy("NACE Rev. 2.1", "Extraction of crude petroleum and natural gas"),
    "07": pgettext_lazy("NACE Rev. 2.1", "Mining of metal ores"),
    "08": pgettext_lazy("NACE Rev. 2.1", "Other mining and quarrying"),
    "09": pgettext_lazy("NACE Rev. 2.1", "Mining support service activities"),
    "C": pgettext_lazy("NACE Rev. 2.1", "Manufacturing"),
    "10": pgettext_lazy("NACE Rev. 2.1", "Manufacture of food products"),
    "11": pgettext_lazy("NACE Rev. 2.1", "Manufacture of beverages"),
    "12": pgettext_lazy("NACE Rev. 2.1", "Manufacture of tobacco products"),
    "13": pgettext_lazy("NACE Rev. 2.1", "Manufacture of textiles"),
    "14": pgettext_lazy("NACE Rev. 2.1", "Manufacture of wearing apparel"),
    "15": pgettext_lazy(
        "NACE Rev. 2.1", "Manufacture of leather and related products of other materials"
    ),
    "16": pgettext_lazy(
        "NACE Rev. 2.1",
        "Manufacture of wood and of products of wood and cork, except furniture; manufacture of articles of straw and plaiting materials",
    ),
    "17": pgettext_lazy("NACE Rev. 2.1", "Manufacture of paper and paper products"),
    "18": pgettext_lazy("NACE Rev. 2.1", "Printing and reproduction of recorded media"),
    "19": pgettext_lazy("NACE Rev. 2.1", "Manufacture of coke and refined petroleum products"),
    "20": pgettext_lazy("NACE Rev. 2.1", "Manufacture of chemicals and chemical products"),
    "21": pgettext_lazy(
        "NACE Rev. 2.1",
        "Manufacture of basic pharmaceutical products and pharmaceutical preparations",
    ),
    "22": pgettext_lazy("NACE Rev. 2.1", "Manufacture of rubber and plastic products"),
    "23": pgettext_lazy("NACE Rev. 2.1", "Manufacture of other non-metallic mineral products"),
    "24": pgettext_lazy("NACE Rev. 2.1", "Manufacture of basic metals"),
    "25": pgettext_lazy(
        "NACE Rev. 2.1", "Manufacture of fabricated metal products, except machinery and equipment"
    ),
    "26": pgettext_lazy(
        "NACE Rev. 2.1", "Manufacture of computer, electronic and optical products"
    ),
    "27": pgettext_lazy("NACE Rev. 2.1", "Manufacture of electrical equipment"),
    "28": pgettext_lazy("NACE Rev. 2.1", "Manufacture of machinery and equipment n.e.c."),
    "29": pgettext_lazy(
        "NACE Rev. 2.1", "Manufacture of motor vehicles, trailers and semi-trailers"
    ),
    "30": pgettext_lazy("NACE Rev. 2.1", "Manufacture of other transport equipment"),
    "31": pgettext_lazy("NACE Rev. 2.1", "Manufacture of furniture"),
    "32": pgettext_lazy("NACE Rev. 2.1", "Other manufacturing"),
    "33": pgettext_lazy(
        "NACE Rev. 2.1", "Repair, maintenance and installation of machinery and equipment"
    ),
    "D": pgettext_lazy("NACE Rev. 2.1", "Electricity, gas, steam and air conditioning supply"),
    "35": pgettext_lazy("NACE Rev. 2.1", "Electricity, gas, steam and air conditioning supply"),
    "E": pgettext_lazy(
        "NACE Rev. 2.1", "Water supply; sewerage, waste management and remediation activities"
    ),
    "36": pgettext_lazy("NACE Rev. 2.1", "Water collection, treatment and supply"),
    "37": pgettext_lazy("NACE Rev. 2.1", "Sewerage"),
    "38": pgettext_lazy("NACE Rev. 2.1", "Waste collection, recovery and disposal activities"),
    "39": pgettext_lazy(
        "NACE Rev. 2.1", "Remediation activities and other waste management service activities"
    ),
    "F": pgettext_lazy("NACE Rev. 2.1", "Construction"),
    "41": pgettext_lazy(
        "NACE Rev. 2.1", "Construction of residential and non-residential buildings"
    ),
    "42": pgettext_lazy("NACE Rev. 2.1", "Civil engineering"),
    "43": pgettext_lazy("NACE Rev. 2.1", "Specialised construction activities"),
    "G": pgettext_lazy("NACE Rev. 2.1", "Wholesale and retail trade"),
    "46": pgettext_lazy("NACE Rev. 2.1", "Wholesale trade"),
    "47": pgettext_lazy("NACE Rev. 2.1", "Retail trade"),
    "H": pgettext_lazy("NACE Rev. 2.1", "Transportation and storage"),
    "49": pgettext_lazy("NACE Rev. 2.1", "Land transport and transport via pipelines"),
    "50": pgettext_lazy("NACE Rev. 2.1", "Water transport"),
    "51": pgettext_lazy("NACE Rev. 2.1", "Air transport"),
    "52": pgettext_lazy(
        "NACE Rev. 2.1", "Warehousing, storage and support activities for transportation"
    ),
    "53": pgettext_lazy("NACE Rev. 2.1", "Postal and courier activities"),
    "I": pgettext_lazy("NACE Rev. 2.1", "Accommodation and food service activities"),
    "55": pgettext_lazy("NACE Rev. 2.1", "Accommodation"),
    "56": pgettext_lazy("NACE Rev. 2.1", "Food and beverage service activities"),
    "J": pgettext_lazy(
        "NACE Rev. 2.1",
        "Publishing, broadcasting, and content production and distribution activities",
    ),
    "58": pgettext_lazy("NACE Rev. 2.1", "Publishing activities"),
    "59": pgettext_lazy(
        "NACE Rev. 2.1",
        "Motion picture, video and television programme production, sound recording and music publishing activities",
    ),
    "60": pgettext_lazy(
        "NACE Rev. 2.1",
        "Programming, broadcasting, news agency and other content distribution activities",
    ),
    "K": pgettext_lazy(
        "NACE Rev. 2.1",
        "Telecommunication, computer programming, consulting, computing infrastructure and other information service activities",
    ),
    "61": pgettext_lazy("NACE Rev. 2.1", "Telecommunication"),
    "62": pgettext_lazy(
        "NACE Rev. 2.1", "Computer programming, consultancy and related activities"
    ),
    "63": pgettext_lazy(
        "NACE Rev. 2.1",
        "Computing infrastructure, data processing, hosting and other information service activities",
    ),
    "L": pgettext_lazy("NACE Rev. 2.1", "Financial and insurance activities"),
    "64": pgettext_lazy(
        "NACE Rev. 2.1", "Financial service activities, except insurance and pension funding"
    ),
    "65": pgettext_lazy(
        "NACE Rev. 2.1",
        "Insurance, reinsurance and pension funding, except compulsory social security",
    ),
    "66": pgettext_lazy(
        "NACE Rev. 2.1", "Activities auxiliary to financial services and insurance activities"
    ),
    "M": pgettext_lazy("NACE Rev. 2.1", "Real estate activities"),
    "68": pgettext_lazy("NACE Rev. 2.1", "Real estate activities"),
    "N": pgettext_lazy("NACE Rev. 2.1", "Professional, scientific and technical activities"),
    "69": pgettext_lazy("NACE Rev. 2.1", "Legal and accounting activities"),
    "70": pgettext_lazy("NACE Rev. 2.1", "Activities of head offices and management consultancy"),
    "71": pgettext_lazy(
        "NACE Rev. 2.1", "Architectural and engineering activities; technical testing and analysis"
    ),
    "72": pgettext_lazy("NACE Rev. 2.1", "Scientific research and development"),
    "73": pgettext_lazy(
        "NACE Rev. 2.1", "Activities of advertising, market research and public relations"
    ),
    "74": pgettext_lazy("NACE Rev. 2.1", "Other professional, scientific and technical activities"),
    "75": pgettext_lazy("NACE Rev. 2.1", "Veterinary activities"),
    "O": pgettext_lazy("NACE Rev. 2.1", "Administrative and support service activities"),
    "77": pgettext_lazy("NACE Rev. 2.1", "Rental and leasing activities"),
    "78": pgettext_lazy("NACE Rev. 2.1", "Employment activities"),
    "79": pgettext_lazy(
        "NACE Rev. 2.1",
        "Travel agency, tour operator and other reservation service and related activities",
    ),
    "80": pgettext_lazy("NACE Rev. 2.1", "Investigation and security activities"),
    "81": pgettext_lazy("NACE Rev. 2.1", "Services to buildings and landscape activities"),
    "82": pgettext_lazy(
        "NACE Rev. 2.1",
        "Office administrative, office support and other business support activities",
    ),
    "P": pgettext_lazy(
        "NACE Rev. 2.1", "Public administration and defence; compulsory social security"
    ),
    "84": pgettext_lazy(
        "NACE Rev. 2.1", "Public administration and defence; compulsory social security"
    ),
    "Q": pgettext_lazy("NACE Rev. 2.1", "Education"),
    "85": pgettext_lazy("NACE Rev. 2.1", "Education"),
    "R": pgettext_lazy("NACE Rev. 2.1", "Human health and social work activities"),
    "86": pgettext_lazy("NACE Rev. 2.1", "Human health activities"),
    "87": pgettext_lazy("NACE Rev. 2.1", "Residential care activities"),
    "88": pgettext_lazy("NACE Rev. 2.1", "Social work activities without accommodation"),
    "S": pgettext_lazy("NACE Rev. 2.1", "Arts, sports and recreation"),
    "90": pgettext_lazy("NACE Rev. 2.1", "Arts creation and performing arts activities"),
    "91": pgettext_lazy(
        "NACE Rev. 2.1", "Libraries, archives, museums and other cultural activities"
    ),
    "92": pgettext_lazy("NACE Rev. 2.1", "Gambling and betting activities"),
    "93": pgettext_lazy(
        "NACE Rev. 2.1", "Sports activities and amusement and recreation activities"
    ),
    "T": pgettext_lazy("NACE Rev. 2.1", "Other service activities"),
    "94": pgettext_lazy("NACE Rev. 2.1", "Activities of membership organisations"),
    "95": pgettext_lazy(
        "NACE Rev. 2.1",
        "Repair and maintenance of computers, personal and household goods, and motor vehicles and motorcycles",
    ),
    "96": pgettext_lazy("NACE Rev. 2.1", "Personal service activities"),
    "U": pgettext_lazy(
        "NACE Rev. 2.1",
        "Activities of households as employers and undifferentiated goods- and service-producing activities of households for own use",
    ),
    "97": pgettext_lazy(
        "NACE Rev. 2.1", "Activities of households as employers of domestic personnel"
    ),
    "98": pgettext_lazy(
        "NACE Rev. 2.1",
        "Undifferentiated goods- and service-producing activities of private households for own use",
    ),
    "V": pgettext_lazy("NACE Rev. 2.1", "Activities of extraterritorial organisations and bodies"),
    "99": pgettext_lazy("NACE Rev. 2.1", "Activities of extraterritorial organisations and bodies"),
}

ISCO_NAMES = {
    "0": pgettext_lazy("ISCO-08", "Armed forces occupations"),
    "1": pgettext_lazy("ISCO-08", "Managers"),
    "2": pgettext_lazy("ISCO-08", "Professionals"),
    "3": pgettext_lazy("ISCO-08", "Technicians and associate professionals"),
    "4": pgettext_lazy("ISCO-08", "Clerical support workers"),
    "5": pgettext_lazy("ISCO-08", "Service and sales workers"),
    "6": pgettext_lazy("ISCO-08", "Skilled agricultural, forestry and fishery workers"),
    "7": pgettext_lazy("ISCO-08", "Craft and related trades workers"),
    "8": pgettext_lazy("ISCO-08", "Plant and machine operators, and assemblers"),
    "9": pgettext_lazy("ISCO-08", "Elementary occupations"),
    "01": pgettext_lazy("ISCO-08", "Commissioned armed forces officers"),
    "02": pgettext_lazy("ISCO-08", "Non-commissioned armed forces officers"),
    "03": pgettext_lazy("ISCO-08", "Armed forces occupations, other ranks"),
    "11": pgettext_lazy("ISCO-08", "Chief executives, senior officials and legislators"),
    "12": pgettext_lazy("ISCO-08", "Administrative and commercial managers"),
    "13": pgettext_lazy("ISCO-08", "Production and specialised services managers"),
    "14": pgettext_lazy("ISCO-08", "Hospitality, retail and other services managers"),
    "21": pgettext_lazy("ISCO-08", "Science and engineering professionals"),
    "22": pgettext_lazy("ISCO-08", "Health professionals"),
    "23": pgettext_lazy("ISCO-08", "Teaching professionals"),
    "24": pgettext_lazy("ISCO-08", "Business and administration professionals"),
    "25": pgettext_lazy("ISCO-08", "Information and communications technology professionals"),
    "26": pgettext_lazy("ISCO-08", "Legal, social and cultural professionals"),
    "31": pgettext_lazy("ISCO-08", "Science and engineering associate professionals"),
    "32": pgettext_lazy("ISCO-08", "Health associate professionals"),
    "33": pgettext_lazy("ISCO-08", "Business and administration associate professionals"),
    "34": pgettext_lazy("ISCO-08", "Legal, social, cultural and related associate professionals"),
    "35": pgettext_lazy("ISCO-08", "Information and communications technicians"),
    "41": pgettext_lazy("ISCO-08", "General and keyboard clerks"),
    "42": pgettext_lazy("ISCO-08", "Customer services clerks"),
    "43": pgettext_lazy("ISCO-08", "Numerical and material recording clerks"),
    "44": pgettext_lazy("ISCO-08", "Other clerical support workers"),
    "51": pgettext_lazy("ISCO-08", "Personal service workers"),
    "52": pgettext_lazy("ISCO-08", "Sales workers"),
    "53": pgettext_lazy("ISCO-08", "Personal care workers"),
    "54": pgettext_lazy("ISCO-08", "Protective services workers"),
    "61": pgettext_lazy("ISCO-08", "Market-oriented skilled agricultural workers"),
    "62": pgettext_lazy("ISCO-08", "Market-oriented skilled forestry, fishery and hunting workers"),
    "63": pgettext_lazy("ISCO-08", "Subsistence farmers, fishers, hunters and gatherers"),
    "71": pgettext_lazy("ISCO-08", "Building and related trades workers, excluding electricians"),
    "72": pgettext_lazy("ISCO-08", "Metal, machinery and related trades workers"),
    "73": pgettext_lazy("ISCO-08", "Handicraft and printing workers"),
    "74": pgettext_lazy("ISCO-08", "Electrical and electronic trades workers"),
    "75": pgettext_lazy(
        "ISCO-08",
        "Food processing, wood working, garment and other craft and related trades workers",
    ),
    "81": pgettext_lazy("ISCO-08", "Stationary plant and machine operators"),
    "82": pgettext_lazy("ISCO-08", "Assemblers"),
    "83": pgettext_lazy("ISCO-08", "Drivers and mobile plant operators"),
    "91": pgettext_lazy("ISCO-08", "Cleaners and helpers"),
    "92": pgettext_lazy("ISCO-08", "Agricultural, forestry and fishery labourers"),
    "93": pgettext_lazy(
        "ISCO-08", "Labourers in mining, construction, manufacturing and transport"
    ),
    "94": pgettext_lazy("ISCO-08", "Food preparation assistants"),
    "95": pgettext_lazy("ISCO-08", "Street and related sales and service workers"),
    "96": pgettext_lazy("ISCO-08", "Refuse workers and other elementary workers"),
}
