"""Word lists for `manage.py seed_demo`: names, places, schools, sectors.

Companies are fictional (built from the word lists below); schools and
cities are real places. No string here may contain a tab, a newline or a
backslash: seed_demo writes them straight into COPY text format.
"""

from typing import NamedTuple


def _list(items: str) -> list[str]:
    """Split "a; b; c" into ["a", "b", "c"]: keeps long word lists compact."""
    return [item.strip() for item in items.split(";")]


class Sector(NamedTuple):
    """The shape of a career in a group of industries."""

    tracks: list[list[str]]  # title ladders, junior first
    skills: list[str]
    fields: list[str]  # what people studied
    company_first: list[str]  # fictional employer names: first word + second word
    company_second: list[str]


# Name pools by origin; cities lean towards one pool, with a mix of all.
FIRST_NAMES: dict[str, list[str]] = {
    "anglo": _list(
        "James; Olivia; William; Emma; Oliver; Charlotte; Jack; Amelia; Harry; Sophie; George; "
        "Grace; Thomas; Lucy; Daniel; Hannah; Michael; Emily; David; Sarah; Matthew; Jessica; "
        "Andrew; Laura; Ryan; Megan; Benjamin; Rachel; Samuel; Natalie; Joshua; Rebecca; Ethan; "
        "Chloe; Nathan; Abigail; Tyler; Madison; Connor; Lauren"
    ),
    "latin": _list(
        "Maria; José; Ana; João; Sofia; Miguel; Lucía; Pedro; Carmen; Diego; Inês; Pablo; "
        "Beatriz; Carlos; Valentina; Javier; Camila; Rafael; Isabel; Tiago; Mariana; Alejandro; "
        "Gabriela; Rodrigo; Paula; Francisco; Daniela; Gonçalo; Marta; Andrés"
    ),
    "european": _list(
        "Lukas; Anna; Jonas; Lena; Felix; Clara; Maximilian; Marie; Elias; Johanna; Luca; "
        "Giulia; Matteo; Chiara; Louis; Camille; Hugo; Léa; Lars; Ingrid; Erik; Freya; Søren; "
        "Astrid; Jan; Katarzyna; Piotr; Zofia; Tomás; Eva; Pieter; Sanne; Niamh; Aoife; Cian"
    ),
    "south_asian": _list(
        "Aarav; Priya; Rohan; Ananya; Arjun; Divya; Vikram; Kavya; Rahul; Neha; Aditya; Pooja; "
        "Sanjay; Meera; Karan; Isha; Nikhil; Shreya; Amit; Lakshmi; Imran; Ayesha; Farhan; Zara"
    ),
    "east_asian": _list(
        "Wei; Mei; Jun; Xin; Hao; Ying; Hiroshi; Yuki; Kenji; Sakura; Takumi; Aiko; Min-jun; "
        "Ji-woo; Seo-yeon; Hyun; Linh; Minh; Thao; Wen; Li; Chen"
    ),
    "african": _list(
        "Chinedu; Amara; Kwame; Abena; Tendai; Nia; Oluwaseun; Zainab; Kofi; Adaeze; Thabo; "
        "Naledi; Sipho; Lindiwe; Yaw; Efua; Femi; Ngozi; Jabari; Wanjiru"
    ),
}

LAST_NAMES: dict[str, list[str]] = {
    "anglo": _list(
        "Smith; Johnson; Williams; Brown; Jones; Miller; Davis; Wilson; Taylor; Anderson; "
        "Thomas; Moore; Martin; Thompson; White; Harris; Clark; Lewis; Robinson; Walker; Hall; "
        "Young; King; Wright; Hill; Green; Baker; Adams; Nelson; Carter; Mitchell; Roberts; "
        "Turner; Phillips; Campbell; Parker; Evans; Edwards; Collins; Stewart; Morris; Murphy; "
        "Cook; Rogers; Morgan; Cooper; Reed; Bailey; Bell; Kelly; Howard; Ward; Cox; "
        "Richardson; Wood; Watson; Brooks; Bennett; Gray; Hughes; Price; Sanders; Myers; Long; "
        "Foster; Powell; Jenkins; Perry; Russell; Fisher; O'Brien; McCarthy"
    ),
    "latin": _list(
        "Silva; Santos; Ferreira; Pereira; Oliveira; Costa; Rodrigues; Martins; Sousa; "
        "Fernandes; Gonçalves; Gomes; Lopes; Marques; Almeida; Ribeiro; Pinto; Carvalho; "
        "García; Martínez; López; González; Hernández; Pérez; Sánchez; Ramírez; Torres; Flores; "
        "Rivera; Gómez; Díaz; Morales; Ortiz; Castro; Romero; Navarro; Ruiz; Moreno; Jiménez; "
        "Vargas"
    ),
    "european": _list(
        "Müller; Schmidt; Schneider; Fischer; Weber; Meyer; Wagner; Becker; Hoffmann; Schulz; "
        "Rossi; Russo; Ferrari; Esposito; Bianchi; Romano; Colombo; Ricci; Dubois; Durand; "
        "Lefèvre; Moreau; Laurent; Girard; Bonnet; Jansen; de Vries; van Dijk; Bakker; Visser; "
        "Andersson; Johansson; Karlsson; Nilsson; Larsen; Hansen; Nielsen; Kowalski; Nowak; "
        "Wiśniewski; Novák; Horvat; Byrne; Ryan; O'Sullivan"
    ),
    "south_asian": _list(
        "Sharma; Patel; Gupta; Singh; Kumar; Reddy; Iyer; Nair; Rao; Mehta; Shah; Joshi; Desai; "
        "Kapoor; Malhotra; Chopra; Banerjee; Chatterjee; Mukherjee; Khan; Ahmed; Hussain; "
        "Qureshi; Menon"
    ),
    "east_asian": _list(
        "Wang; Li; Zhang; Liu; Chen; Yang; Huang; Zhao; Wu; Zhou; Sato; Suzuki; Takahashi; "
        "Tanaka; Watanabe; Ito; Yamamoto; Nakamura; Kim; Lee; Park; Choi; Jung; Nguyen; Tran; "
        "Le; Pham"
    ),
    "african": _list(
        "Okafor; Adeyemi; Okonkwo; Mensah; Boateng; Asante; Mwangi; Otieno; Kamau; Ndlovu; "
        "Dlamini; Nkosi; Moyo; Banda; Abubakar; Eze; Nwosu; Owusu; Achieng; Kariuki"
    ),
}

# (city, country calling code, name pool it leans to, weight)
CITIES: list[tuple[str, str, str, float]] = [
    ("San Francisco Bay Area", "1", "anglo", 6.0),
    ("New York City", "1", "anglo", 6.0),
    ("Seattle, Washington", "1", "anglo", 3.0),
    ("Austin, Texas", "1", "anglo", 2.0),
    ("Boston, Massachusetts", "1", "anglo", 2.5),
    ("Chicago, Illinois", "1", "anglo", 2.5),
    ("Los Angeles, California", "1", "latin", 3.0),
    ("Toronto, Ontario", "1", "anglo", 2.5),
    ("Vancouver, British Columbia", "1", "east_asian", 1.5),
    ("London, United Kingdom", "44", "anglo", 6.0),
    ("Manchester, United Kingdom", "44", "anglo", 1.5),
    ("Edinburgh, United Kingdom", "44", "anglo", 1.0),
    ("Dublin, Ireland", "353", "european", 2.0),
    ("Lisbon, Portugal", "351", "latin", 2.5),
    ("Porto, Portugal", "351", "latin", 1.0),
    ("Madrid, Spain", "34", "latin", 2.0),
    ("Barcelona, Spain", "34", "latin", 2.0),
    ("Paris, France", "33", "european", 3.0),
    ("Berlin, Germany", "49", "european", 3.0),
    ("Munich, Germany", "49", "european", 1.5),
    ("Hamburg, Germany", "49", "european", 1.0),
    ("Amsterdam, Netherlands", "31", "european", 2.0),
    ("Zurich, Switzerland", "41", "european", 1.0),
    ("Stockholm, Sweden", "46", "european", 1.5),
    ("Copenhagen, Denmark", "45", "european", 1.0),
    ("Warsaw, Poland", "48", "european", 1.5),
    ("Milan, Italy", "39", "european", 1.5),
    ("Bengaluru, India", "91", "south_asian", 4.0),
    ("Mumbai, India", "91", "south_asian", 2.5),
    ("Hyderabad, India", "91", "south_asian", 2.0),
    ("Singapore", "65", "east_asian", 2.0),
    ("Tokyo, Japan", "81", "east_asian", 2.0),
    ("Seoul, South Korea", "82", "east_asian", 1.5),
    ("Shanghai, China", "86", "east_asian", 1.5),
    ("Ho Chi Minh City, Vietnam", "84", "east_asian", 1.0),
    ("Sydney, Australia", "61", "anglo", 2.0),
    ("Melbourne, Australia", "61", "anglo", 1.5),
    ("São Paulo, Brazil", "55", "latin", 2.5),
    ("Mexico City, Mexico", "52", "latin", 2.0),
    ("Buenos Aires, Argentina", "54", "latin", 1.0),
    ("Lagos, Nigeria", "234", "african", 1.5),
    ("Nairobi, Kenya", "254", "african", 1.0),
    ("Cape Town, South Africa", "27", "african", 1.0),
    ("Accra, Ghana", "233", "african", 0.5),
    ("Dubai, United Arab Emirates", "971", "south_asian", 1.5),
]

SCHOOLS: list[str] = _list(
    "Massachusetts Institute of Technology; Stanford University; University of California, "
    "Berkeley; Carnegie Mellon University; Georgia Institute of Technology; University of "
    "Washington; University of Michigan; University of Texas at Austin; New York University; "
    "Columbia University; Cornell University; University of Illinois Urbana-Champaign; "
    "University of Toronto; University of Waterloo; McGill University; University of British "
    "Columbia; University of Oxford; University of Cambridge; Imperial College London; "
    "University College London; London School of Economics; University of Edinburgh; University "
    "of Manchester; Trinity College Dublin; University of Lisbon; University of Porto; NOVA "
    "University Lisbon; Complutense University of Madrid; University of Barcelona; Sorbonne "
    "University; École Polytechnique; HEC Paris; Technical University of Munich; Humboldt "
    "University of Berlin; RWTH Aachen University; ETH Zurich; EPFL; Delft University of "
    "Technology; University of Amsterdam; KTH Royal Institute of Technology; University of "
    "Copenhagen; University of Warsaw; Politecnico di Milano; Bocconi University; Indian "
    "Institute of Technology Bombay; Indian Institute of Technology Delhi; Indian Institute of "
    "Science; University of Delhi; National University of Singapore; Nanyang Technological "
    "University; University of Tokyo; Kyoto University; Seoul National University; KAIST; "
    "Tsinghua University; Peking University; University of Sydney; University of Melbourne; "
    "University of São Paulo; National Autonomous University of Mexico; University of Buenos "
    "Aires; University of Lagos; University of Nairobi; University of Cape Town; Open "
    "University; INSEAD; Harvard Business School; Wharton School; Embry-Riddle Aeronautical "
    "University; Cranfield University; Columbia University School of Journalism; Oxford Brookes "
    "University"
)

DEGREES_BACHELOR = ["BSc", "BA", "BEng", "BBA"]
DEGREES_MASTER = ["MSc", "MA", "MEng", "MBA", "MPhil"]
DEGREE_DOCTOR = "PhD"

SECTORS: dict[str, Sector] = {
    "tech": Sector(
        tracks=[
            _list(
                "Junior Software Engineer; Software Engineer; Senior Software Engineer; Staff "
                "Software Engineer; Engineering Manager; Director of Engineering; CTO"
            ),
            _list(
                "Frontend Developer; Frontend Engineer; Senior Frontend Engineer; Lead Frontend "
                "Engineer; Principal Engineer"
            ),
            _list(
                "Data Analyst; Data Scientist; Senior Data Scientist; Lead Data Scientist; Head "
                "of Data"
            ),
            _list(
                "Associate Product Manager; Product Manager; Senior Product Manager; Group "
                "Product Manager; Director of Product; VP Product"
            ),
            _list(
                "Systems Administrator; DevOps Engineer; Site Reliability Engineer; Senior SRE; "
                "Infrastructure Lead"
            ),
            _list("QA Analyst; QA Engineer; Senior QA Engineer; Test Automation Lead"),
            _list("UX Designer; Product Designer; Senior Product Designer; Design Lead"),
        ],
        skills=_list(
            "Python; JavaScript; TypeScript; Go; Java; Kotlin; Rust; C++; SQL; PostgreSQL; "
            "Django; React; Node.js; Kubernetes; Docker; AWS; Google Cloud; Terraform; Machine "
            "Learning; Data Engineering; System Design; Distributed Systems; CI/CD; Linux; "
            "Redis; GraphQL; REST APIs; Agile; Scrum; Product Management; Figma; User Research"
        ),
        fields=_list(
            "Computer Science; Software Engineering; Mathematics; Electrical Engineering; "
            "Information Systems; Statistics; Physics"
        ),
        company_first=_list(
            "Nimbus; Quantix; Bluefin; Lattice; Vector; Orbital; Pixelwave; Stackline; Cobalt; "
            "Northstar; Helix; Tidal; Kestrel; Brightloop; Datavine; Cloudberry; Ionic; Redwood"
        ),
        company_second=_list(
            "Labs; Systems; Software; Technologies; Cloud; Data; Networks; Digital; AI; "
            "Security; Games; Works"
        ),
    ),
    "finance": Sector(
        tracks=[
            _list(
                "Financial Analyst; Senior Financial Analyst; Finance Manager; Head of Finance; CFO"
            ),
            _list("Analyst; Associate; Vice President; Director; Managing Director"),
            _list("Risk Analyst; Risk Manager; Senior Risk Manager; Chief Risk Officer"),
            _list("Staff Accountant; Senior Accountant; Accounting Manager; Controller"),
            _list("Claims Handler; Underwriter; Senior Underwriter; Underwriting Manager"),
        ],
        skills=_list(
            "Financial Modeling; Excel; Valuation; Risk Management; Accounting; IFRS; US GAAP; "
            "Audit; Corporate Finance; Investment Banking; Portfolio Management; Financial "
            "Reporting; Budgeting; Forecasting; Bloomberg Terminal; Compliance; Anti-Money "
            "Laundering; SQL; Python; Underwriting; Actuarial Science; Tax; Treasury"
        ),
        fields=_list(
            "Finance; Economics; Accounting; Business Administration; Mathematics; Actuarial "
            "Science"
        ),
        company_first=_list(
            "Sterling; Harbor; Meridian; Ashford; Crestview; Granite; Beacon; Whitmore; Summit; "
            "Kingsbridge; Oakmont; Fairhaven"
        ),
        company_second=_list(
            "Capital; Bank; Partners; Financial; Asset Management; Insurance; Advisors; Trust; "
            "& Co."
        ),
    ),
    "business": Sector(
        tracks=[
            _list(
                "Business Analyst; Consultant; Senior Consultant; Manager; Senior Manager; Partner"
            ),
            _list(
                "HR Assistant; HR Generalist; HR Business Partner; Head of People; Chief People "
                "Officer"
            ),
            _list(
                "Recruiter; Senior Recruiter; Talent Acquisition Lead; Head of Talent Acquisition"
            ),
            _list("Paralegal; Associate; Senior Associate; Counsel; Partner"),
            _list(
                "Logistics Coordinator; Supply Chain Analyst; Supply Chain Manager; Head of "
                "Operations; COO"
            ),
            _list(
                "Sales Development Representative; Account Executive; Senior Account Executive; "
                "Sales Manager; VP Sales"
            ),
            _list("Real Estate Agent; Property Manager; Asset Manager; Director of Real Estate"),
        ],
        skills=_list(
            "Strategy; Management Consulting; Stakeholder Management; Project Management; "
            "Change Management; Business Analysis; Negotiation; Recruiting; Talent Management; "
            "Employee Relations; Contract Law; Corporate Law; Litigation; Supply Chain "
            "Management; Logistics; Procurement; Lean; Six Sigma; Salesforce; Business "
            "Development; Account Management; Real Estate; Leadership; Operations Management"
        ),
        fields=_list(
            "Business Administration; Management; Law; Economics; Psychology; Industrial "
            "Engineering; Supply Chain Management"
        ),
        company_first=_list(
            "Ashby; Pemberton; Lockhart; Caldwell; Everett; Marlow; Thornton; Brightwater; "
            "Kingsley; Halden; Wexford; Arden"
        ),
        company_second=_list(
            "Consulting; Group; Advisory; Partners; Logistics; Legal; People; & Associates; "
            "Properties; Solutions"
        ),
    ),
    "creative": Sector(
        tracks=[
            _list(
                "Marketing Coordinator; Marketing Manager; Senior Marketing Manager; Head of "
                "Marketing; CMO"
            ),
            _list("Content Writer; Content Strategist; Content Lead; Head of Content"),
            _list(
                "Junior Designer; Graphic Designer; Senior Designer; Art Director; Creative "
                "Director"
            ),
            _list("Social Media Manager; Digital Marketing Manager; Growth Lead; VP Growth"),
            _list("Production Assistant; Producer; Senior Producer; Executive Producer"),
        ],
        skills=_list(
            "Digital Marketing; SEO; Content Strategy; Copywriting; Brand Strategy; Social "
            "Media Marketing; Google Analytics; Adobe Photoshop; Adobe Illustrator; Figma; "
            "Video Production; Storytelling; Public Relations; Email Marketing; Marketing "
            "Automation; Market Research; Campaign Management; Creative Direction; Photography; "
            "Motion Graphics"
        ),
        fields=_list(
            "Marketing; Communication; Graphic Design; Journalism; Film Studies; Fine Arts; "
            "Media Studies"
        ),
        company_first=_list(
            "Bright; Studio; Canvas; Echo; Spark; Prism; Velvet; Mosaic; Loud; Paper Kite; "
            "Neon; Fable"
        ),
        company_second=_list(
            "Media; Studio; Agency; Creative; Collective; Entertainment; Design; Marketing"
        ),
    ),
    "health": Sector(
        tracks=[
            _list("Registered Nurse; Senior Nurse; Nurse Manager; Director of Nursing"),
            _list("Resident Physician; Physician; Consultant Physician; Chief Medical Officer"),
            _list(
                "Research Assistant; Research Scientist; Senior Scientist; Principal Scientist; "
                "Head of Research"
            ),
            _list(
                "Clinical Research Associate; Clinical Project Manager; Clinical Operations "
                "Director"
            ),
            _list("Postdoctoral Researcher; Lecturer; Senior Lecturer; Professor"),
        ],
        skills=_list(
            "Clinical Research; Patient Care; Healthcare Management; Biotechnology; Molecular "
            "Biology; Drug Development; Regulatory Affairs; GCP; Data Analysis; R; Statistics; "
            "Laboratory Skills; Epidemiology; Public Health; Medical Devices; Pharmacology; "
            "Scientific Writing; Bioinformatics; Immunology; Genomics"
        ),
        fields=_list(
            "Medicine; Nursing; Biology; Biochemistry; Pharmacy; Public Health; Chemistry; "
            "Neuroscience"
        ),
        company_first=_list(
            "Saint Luke's; Greenfield; Vitalis; Genomix; Clearwater; Novagen; Medora; Helios; "
            "Riverside; BioNova"
        ),
        company_second=_list(
            "Health; Hospital; Therapeutics; Biosciences; Pharma; Medical Center; Research "
            "Institute; Clinic"
        ),
    ),
    "engineering": Sector(
        tracks=[
            _list(
                "Graduate Engineer; Mechanical Engineer; Senior Mechanical Engineer; Lead "
                "Engineer; Engineering Director"
            ),
            _list(
                "Site Engineer; Civil Engineer; Project Engineer; Project Manager; Construction "
                "Director"
            ),
            _list(
                "Architectural Assistant; Architect; Senior Architect; Associate Director; "
                "Principal Architect"
            ),
            _list("Process Engineer; Manufacturing Engineer; Plant Manager; Head of Manufacturing"),
            _list(
                "Energy Analyst; Project Developer; Senior Project Developer; Head of Renewables"
            ),
        ],
        skills=_list(
            "AutoCAD; SolidWorks; CATIA; Revit; BIM; Project Management; Structural "
            "Engineering; Lean Manufacturing; Six Sigma; FEA; MATLAB; Quality Management; "
            "Health and Safety; Renewable Energy; Solar Energy; Wind Energy; Product "
            "Development; Root Cause Analysis; Construction Management; Sustainability"
        ),
        fields=_list(
            "Mechanical Engineering; Civil Engineering; Architecture; Industrial Engineering; "
            "Energy Engineering; Materials Science"
        ),
        company_first=_list(
            "Ironbridge; Atlas; Forge; Keystone; Solaris; Windward; Steelhead; Corbel; Pylon; "
            "Everline; Motive; Alder"
        ),
        company_second=_list(
            "Engineering; Construction; Architects; Motors; Energy; Industries; Manufacturing; "
            "Renewables; Automotive"
        ),
    ),
    "public": Sector(
        tracks=[
            _list("Teacher; Senior Teacher; Head of Department; Deputy Head; Principal"),
            _list("Policy Officer; Senior Policy Advisor; Head of Policy; Director"),
            _list("Program Coordinator; Program Manager; Program Director; Executive Director"),
            _list("Instructional Designer; Learning Experience Designer; Head of Learning"),
        ],
        skills=_list(
            "Teaching; Curriculum Development; Public Policy; Program Management; Fundraising; "
            "Grant Writing; Community Outreach; Volunteer Management; Instructional Design; "
            "E-Learning; Public Speaking; Policy Analysis; Stakeholder Engagement; Research; "
            "Nonprofit Management; Advocacy"
        ),
        fields=_list(
            "Education; Public Policy; Political Science; Sociology; International Relations; "
            "History; Psychology"
        ),
        company_first=_list(
            "Open Door; Bridgeway; Civic; Greenleaf; Hopewell; Learnwell; Common Ground; "
            "Lighthouse; Northfield"
        ),
        company_second=_list(
            "Foundation; Academy; Trust; Institute; School; Council; Learning; Initiative"
        ),
    ),
    "hospitality": Sector(
        tracks=[
            _list("Front Desk Agent; Guest Relations Manager; Hotel Manager; General Manager"),
            _list("Line Cook; Sous Chef; Head Chef; Executive Chef"),
            _list("Sales Associate; Store Manager; Area Manager; Regional Director"),
            _list("Buyer; Senior Buyer; Category Manager; Head of Merchandising"),
        ],
        skills=_list(
            "Customer Service; Hospitality Management; Food and Beverage; Revenue Management; "
            "Retail Management; Merchandising; Visual Merchandising; Inventory Management; Team "
            "Leadership; Event Planning; Food Safety; E-commerce; Category Management; Sales"
        ),
        fields=_list(
            "Hospitality Management; Culinary Arts; Business Administration; Tourism; Marketing"
        ),
        company_first=_list(
            "Olive; Harvest; Copper Kettle; Grand; Seaside; Marigold; Urban; Juniper; Maple; Cedar"
        ),
        company_second=_list(
            "Hotels; Kitchen; Foods; Retail; Market; Resorts; Hospitality Group; Stores"
        ),
    ),
    "aviation": Sector(
        tracks=[
            _list("First Officer; Senior First Officer; Captain; Training Captain; Chief Pilot"),
            _list("Cabin Crew; Senior Cabin Crew; Cabin Service Manager; Head of Cabin Crew"),
            _list(
                "Aircraft Maintenance Technician; Licensed Aircraft Engineer; Maintenance "
                "Planner; Head of Maintenance"
            ),
            _list(
                "Airline Operations Analyst; Network Planner; Operations Control Manager; "
                "Director of Flight Operations"
            ),
            _list("Air Traffic Controller; Senior Air Traffic Controller; Watch Manager"),
        ],
        skills=_list(
            "Airline Operations; Flight Safety; Crew Resource Management; EASA Regulations; FAA "
            "Regulations; Aircraft Maintenance; Airbus A320; Boeing 737; Boeing 787; Aviation "
            "Safety; Safety Management Systems; Network Planning; Revenue Management; Air "
            "Traffic Management; Customer Service; Avionics; Flight Planning; Aviation Security"
        ),
        fields=_list(
            "Aeronautical Engineering; Aviation Management; Aerospace Engineering; Air "
            "Transport Management; Commercial Pilot Training"
        ),
        company_first=_list(
            "Northwind; Skyline; Bluebird; Albatross; Horizon; Silver Wing; Meridian; Polar; "
            "Sunward; Trans-Atlantic"
        ),
        company_second=_list(
            "Airways; Airlines; Aerospace; Aviation; Air Cargo; Aero Services; Air"
        ),
    ),
    "publishing": Sector(
        tracks=[
            _list(
                "Editorial Assistant; Assistant Editor; Editor; Senior Editor; Editorial "
                "Director; Publisher"
            ),
            _list("Copy Editor; Senior Copy Editor; Managing Editor; Editor-in-Chief"),
            _list("Staff Writer; Senior Writer; Features Editor; Deputy Editor"),
            _list("Translator; Senior Translator; Localization Manager; Head of Localization"),
            _list("Rights Assistant; Rights Manager; Head of Rights and Contracts"),
        ],
        skills=_list(
            "Editing; Copy Editing; Proofreading; Writing; Publishing; Content Development; "
            "Storytelling; AP Style; Chicago Manual of Style; Book Production; Rights "
            "Management; Translation; Localization; Journalism; Fact-Checking; Manuscript "
            "Evaluation; Adobe InDesign; Creative Writing; Content Strategy"
        ),
        fields=_list(
            "English Literature; Journalism; Creative Writing; Comparative Literature; "
            "Translation Studies; History"
        ),
        company_first=_list(
            "Harbor; Quill; Inkwell; Lantern; Marginalia; Foxglove; Blackbird; Paper Moon; "
            "Folio; Riverbank"
        ),
        company_second=_list(
            "Press; Books; Publishing; Editions; House; Review; Literary Agency; Translations"
        ),
    ),
}

# More first words for employer names, in every sector: Blue + field = Bluefield.
COMPANY_PREFIXES = _list(
    "Blue; North; Bright; Red; Silver; Green; Clear; True; Deep; High; Iron; Oak"
)
COMPANY_ROOTS = _list(
    "field; stone; wave; point; bridge; line; path; gate; leaf; peak; spring; haven; ridge"
)

# Industry code -> (sector, weight). Technology-heavy, with a thin tail of
# Aviation and Publishing / Writing and Editing.
INDUSTRIES: dict[str, tuple[str, float]] = {
    "computer-software": ("tech", 16.0),
    "information-technology": ("tech", 14.0),
    "internet": ("tech", 8.0),
    "computer-networking": ("tech", 2.5),
    "computer-hardware": ("tech", 2.0),
    "security": ("tech", 2.5),
    "computer-games": ("tech", 2.0),
    "telecommunications": ("tech", 2.5),
    "e-learning": ("public", 1.5),
    "financial-services": ("finance", 5.0),
    "banking": ("finance", 3.0),
    "insurance": ("finance", 1.5),
    "accounting": ("finance", 2.0),
    "consulting": ("business", 4.5),
    "human-resources": ("business", 2.5),
    "legal": ("business", 1.5),
    "logistics": ("business", 2.0),
    "real-estate": ("business", 1.5),
    "marketing": ("creative", 4.5),
    "design": ("creative", 2.0),
    "media": ("creative", 2.0),
    "entertainment": ("creative", 1.0),
    "healthcare": ("health", 3.5),
    "biotech": ("health", 1.5),
    "pharmaceuticals": ("health", 1.5),
    "research": ("health", 1.5),
    "mechanical-engineering": ("engineering", 2.0),
    "civil-engineering": ("engineering", 1.0),
    "construction": ("engineering", 1.0),
    "architecture": ("engineering", 1.0),
    "automotive": ("engineering", 1.5),
    "energy": ("engineering", 1.5),
    "education": ("public", 2.5),
    "government": ("public", 1.5),
    "nonprofit": ("public", 1.5),
    "hospitality": ("hospitality", 1.0),
    "food": ("hospitality", 1.0),
    "retail": ("hospitality", 2.0),
    "aviation": ("aviation", 0.4),
    "publishing": ("publishing", 0.4),
    "writing-editing": ("publishing", 0.3),
    "translation": ("publishing", 0.3),
}

TECH_INDUSTRIES = [code for code, (sector, _) in INDUSTRIES.items() if sector == "tech"]

# Which of its sector's tracks an industry hires for (indexes into
# Sector.tracks); industries not listed use all of them.
INDUSTRY_TRACKS: dict[str, list[int]] = {
    "banking": [1, 2, 0],
    "financial-services": [0, 1, 2],
    "insurance": [4, 2, 0],
    "accounting": [3, 0],
    "consulting": [0, 5],
    "human-resources": [1, 2],
    "legal": [3],
    "logistics": [4, 5],
    "real-estate": [6, 5],
    "marketing": [0, 3, 1],
    "design": [2],
    "media": [1, 4, 3],
    "entertainment": [4, 2],
    "healthcare": [0, 1],
    "biotech": [2, 3],
    "pharmaceuticals": [3, 2],
    "research": [2, 4],
    "mechanical-engineering": [0, 3],
    "civil-engineering": [1],
    "construction": [1],
    "architecture": [2],
    "automotive": [0, 3],
    "energy": [4, 0],
    "education": [0, 3],
    "government": [1],
    "nonprofit": [2],
    "e-learning": [3, 2],
    "hospitality": [0, 1],
    "food": [1, 0],
    "retail": [2, 3],
    "publishing": [0, 4, 1],
    "writing-editing": [1, 2],
    "translation": [3],
}

GENERAL_SKILLS = _list(
    "Leadership; Communication; Team Management; Public Speaking; Mentoring; Problem Solving; "
    "Negotiation; Cross-functional Collaboration; Presentation Skills; Strategic Planning"
)
HEADLINES = [
    "{title} at {company}",
    "{title} at {company}",
    "{title} at {company}",
    "{title} · {skill1} · {skill2}",
    "{title} | {field} | {city}",
    "{title} at {company} | {skill1}",
    "{title} — {skill1}, {skill2} and {skill3}",
]
SUMMARY_OPENINGS = [
    "{title} with {years} years of experience in {sector_phrase}.",
    "I have spent the last {years} years working in {sector_phrase}.",
    "{years} years in {sector_phrase}, now {title} at {company}.",
]
SUMMARY_MIDDLES = [
    "Most of my work is in {skill1} and {skill2}.",
    "I care about {skill1}, {skill2} and teams that enjoy working together.",
    "Day to day that means {skill1}, {skill2} and a lot of {skill3}.",
    "Previously at {previous}, where I learned the value of {skill2}.",
]
SUMMARY_CLOSINGS = [
    "Based in {city}.",
    "Happy to talk about {skill1} over coffee in {city}.",
    "Always open to meeting people who work on {skill3}.",
    "Outside work: running, books and too many side projects.",
    "",
]
SECTOR_PHRASES = {
    "tech": "software and technology",
    "finance": "finance",
    "business": "business and operations",
    "creative": "marketing, media and design",
    "health": "health care and life sciences",
    "engineering": "engineering and construction",
    "public": "education and the public sector",
    "hospitality": "hospitality and retail",
    "aviation": "aviation",
    "publishing": "publishing and writing",
}
POSITION_DESCRIPTIONS = [
    "Led a team of {team} working on {skill1}.",
    "Responsible for {skill1} and {skill2} across the {unit} team.",
    "Introduced {skill1} practices that cut turnaround times by {pct}%.",
    "Worked closely with the {unit} team on {skill2}.",
    "Owned {skill1} for {count} clients in {city}.",
]
UNITS = _list("platform; operations; customer; growth; product; regional; core; strategy")
CONNECTION_NOTES = [
    "Met at a conference",
    "Worked together on a project",
    "Studied together",
    "Introduced by a friend",
    "Former colleague",
    "Met at a meetup",
]
WEB_DOMAINS = [
    "example.com",
    "example.org",
    "example.net",
]
