"""Demo content for The Meridian Ledger, a fictional independent news outlet.

Plain Python data used to seed a demo site. Every person, organisation, place and event described here is
invented; any resemblance to real people or publications is coincidental. Body blocks are tuples:

- ("paragraph", html)  -- a single <p> using only <p>, <b>, <i> and <a href> tags, or a <ul>/<ol> list
- ("heading", text)
- ("blockquote", html, attribution)
- ("pull_quote", text, attribution)
- ("editors_note", html)
- ("preformatted", text)  -- spaces and line breaks kept (a table of figures, say)
- ("embed", url, caption)
- ("image", caption, credit, hue)
"""

SITE = {
    "site_name": "The Meridian Ledger",
    "tagline": "Independent reporting and analysis",
    "footer_text": (
        "The Meridian Ledger is an independent, reader-supported newsroom covering the republic of Kestria, "
        "the port city of Aldmere and the wider northern gulf. All people, places and events on this demo site "
        "are fictional."
    ),
    "youtube_box_text": (
        "Documentaries, explainers and interviews from our video desk. Subscribe on YouTube for new films every week."
    ),
    "supporter_cta_url": "https://www.patreon.com/meridianledger",
    # The call to action under each article leads to the site's own donate page.
    "donate_url": "/donate/",
    "donate_cta_text": "Liked it? Take a second to support {site} with a donation!",
}

# A simple page (news.SimplePage): who the newsroom is, linked from the menu.
ABOUT_PAGE = {
    "title": "About us",
    "slug": "about",
    "standfirst": "A reader-funded newsroom that reports on Kestria, Aldmere and the northern gulf from the ground.",
    "body": [
        (
            "paragraph",
            "<p>The Meridian Ledger was started by four reporters who wanted the harbour, the assembly and the "
            "islands covered by people who live there. We publish every day and keep our archive open to all.</p>",
        ),
        ("heading", "How we work"),
        (
            "paragraph",
            "<ul><li>Every figure is checked against its source before it is printed.</li>"
            "<li>We name our sources unless naming them would put someone at risk.</li>"
            "<li>Mistakes are corrected in the article, with a note saying what changed.</li></ul>",
        ),
        ("heading", "Who pays for it"),
        (
            "paragraph",
            "<p>Readers do: most of our budget comes from small monthly donations, the rest from house "
            'advertising. No owner, party or advertiser sees a story before it is published. <a href="/donate/">'
            "Support the newsroom</a>.</p>",
        ),
        ("heading", "Contact"),
        (
            "paragraph",
            "<p>Tips, corrections and letters: <b>newsroom@meridianledger.example</b>. Post: 14 Quay Street, "
            "Aldmere.</p>",
        ),
    ],
}

# A campaign with some way to go, and the donors who gave towards it (issue 11).
DONATION_CAMPAIGN = {"goal_amount": "5000", "goal_currency": "EUR", "goal_label": "this month"}
DONORS = [
    # name, amount, currency, days ago, public message
    ("Marta Kowalski", "50", "EUR", 1, "For the harbour reporting. Keep going."),
    ("", "25", "EUR", 2, ""),
    ("Tomás Ibarra", "100", "EUR", 3, "Local news matters."),
    ("Ines Haddad", "25", "USD", 4, ""),
    ("", "10", "EUR", 5, ""),
    ("Oskar Lind", "25", "GBP", 6, "From a former Aldmere resident."),
    ("June Park", "100", "EUR", 8, ""),
    ("Ravi Menon", "50", "USD", 10, "Thank you for the council coverage."),
    ("", "10", "EUR", 12, ""),
    ("Elena Rossi", "25", "EUR", 40, ""),
    ("Sam Okafor", "100", "USD", 45, ""),
    ("Lea Vogel", "50", "EUR", 70, "Monthly, when I can."),
]

SECTIONS = [
    {
        "slug": "news",
        "title": "News",
        "description": "Reporting from Aldmere city hall, the Assembly in Orsenna and communities across Kestria.",
    },
    {
        "slug": "analysis",
        "title": "Analysis",
        "description": "In-depth explanation of the forces shaping politics, energy and the economy in the region.",
    },
    {
        "slug": "world",
        "title": "World",
        "description": "Diplomacy, security and regional affairs from Kestria's neighbours around the northern gulf.",
    },
    {
        "slug": "economy",
        "title": "Economy",
        "description": "Markets, trade, central banking, housing and the businesses that keep the region working.",
    },
    {
        "slug": "video",
        "title": "Video",
        "description": "Documentaries, explainers and condensed debates from the Ledger's video desk.",
    },
    {
        "slug": "opinion",
        "title": "Opinion",
        "description": "Argument and commentary from our editors and contributors, clearly labelled as opinion.",
    },
]

# The editor's front page: the lead and the top stories under it, in order.
FRONT_PAGE = {
    "lead": "the-long-unravelling-of-kestrias-energy-bargain",
    "top_stories": [
        "aldmere-port-workers-accept-revised-contract",
        "aldmere-extends-water-restrictions-sorrel-record-low",
        "assembly-committee-opens-inquiry-into-ferry-contract",
        "halvany-reopens-northern-border-crossings",
    ],
}

HOUSE_ADS = [
    {
        "placement": "sidebar",
        "headline": "Support independent reporting",
        "pitch": "Become a member today",
        "small_print": "Members fund every story on this site. Cancel any time.",
    },
    {
        "placement": "in_article",
        "headline": "Reporting that answers to readers",
        "pitch": "Back our newsroom",
        "small_print": "No paywall, no investors: readers keep the Ledger going.",
    },
    {
        "placement": "between_articles",
        "headline": "The Meridian Ledger, every morning",
        "pitch": "",
        "small_print": "A free daily briefing in your inbox.",
    },
]

AUTHORS = [
    {
        "slug": "helena-marsh",
        "name": "Helena Marsh",
        "role": "Editor-in-chief",
        "bio": (
            "Helena Marsh founded The Meridian Ledger after fifteen years as a reporter and editor at regional "
            "newspapers across Kestria. She writes occasionally about press freedom, local government and the "
            "business of news."
        ),
        "links": [
            ("x", "https://x.com/helenamarsh_ml"),
            ("bluesky", "https://bsky.app/profile/helenamarsh-ml.bsky.social"),
        ],
    },
    {
        "slug": "tomas-varga",
        "name": "Tomas Varga",
        "role": "Senior political analyst",
        "bio": (
            "Tomas Varga covers the Assembly, coalition politics and the workings of public institutions. Before "
            "joining the Ledger he spent eight years as a parliamentary researcher in Orsenna."
        ),
        "links": [
            ("x", "https://x.com/tvarga_ml"),
            ("bluesky", "https://bsky.app/profile/tvarga-ml.bsky.social"),
        ],
    },
    {
        "slug": "priya-halloran",
        "name": "Priya Halloran",
        "role": "Economics editor",
        "bio": (
            "Priya Halloran leads the Ledger's coverage of the economy, central banking and trade. She previously "
            "worked as an analyst at a regional development bank and holds a doctorate in economics."
        ),
        "links": [
            ("x", "https://x.com/phalloran_ml"),
            ("bluesky", "https://bsky.app/profile/phalloran-ml.bsky.social"),
        ],
    },
    {
        "slug": "jonah-whitcombe",
        "name": "Jonah Whitcombe",
        "role": "World affairs correspondent",
        "bio": (
            "Jonah Whitcombe reports on diplomacy, security and regional politics from across the northern gulf. "
            "He has filed from eleven countries and speaks four languages."
        ),
        "links": [
            ("x", "https://x.com/jwhitcombe_ml"),
            ("bluesky", "https://bsky.app/profile/jwhitcombe-ml.bsky.social"),
        ],
    },
    {
        "slug": "ines-calder",
        "name": "Ines Calder",
        "role": "Energy and climate reporter",
        "bio": (
            "Ines Calder writes about energy markets, climate adaptation and the infrastructure that connects them. "
            "She trained as a civil engineer before moving into journalism."
        ),
        "links": [
            ("x", "https://x.com/inescalder_ml"),
            ("bluesky", "https://bsky.app/profile/inescalder-ml.bsky.social"),
        ],
    },
    {
        "slug": "marek-solberg",
        "name": "Marek Solberg",
        "role": "Video producer",
        "bio": (
            "Marek Solberg produces the Ledger's documentaries and explainers. He is drawn to working harbours, "
            "craft trades and the people who keep cities running."
        ),
        "links": [
            ("x", "https://x.com/msolberg_ml"),
            ("bluesky", "https://bsky.app/profile/msolberg-ml.bsky.social"),
        ],
    },
    {
        "slug": "ada-finnerty",
        "name": "Ada Finnerty",
        "role": "City hall reporter",
        "bio": (
            "Ada Finnerty covers Aldmere city government, housing and transport. She grew up in the Old Harbour "
            "district and still lives a short tram ride from the council chamber."
        ),
        "links": [
            ("x", "https://x.com/adafinnerty_ml"),
            ("bluesky", "https://bsky.app/profile/adafinnerty-ml.bsky.social"),
        ],
    },
]

SOURCES = [
    {"name": "Northern Wire", "url": "https://northernwire.example", "canonical_to_original": False},
    {"name": "The Harbor Review", "url": "https://harborreview.example", "canonical_to_original": True},
    {"name": "Coastline Dispatch", "url": "https://coastlinedispatch.example", "canonical_to_original": False},
]

ARTICLES = [
    {
        "slug": "the-long-unravelling-of-kestrias-energy-bargain",
        "section": "analysis",
        "secondary_sections": ["economy"],
        "title": "The long unravelling of Kestria's energy bargain",
        "standfirst": (
            "For thirty years, cheap imported gas and a quiet subsidy kept bills low and politics calm. As the "
            "contract that underpinned it nears its end, nobody has agreed on who pays for what comes next."
        ),
        "authors": ["ines-calder"],
        "hours_ago": 2,
        "tags": ["Energy", "Kestria", "Climate"],
        "staff_pick": True,
        "staff_pick_order": 1,
        "image_hue": 205,
        "image_caption": (
            "Kestria's energy system is caught between an expiring gas contract and a delayed offshore wind build-out."
        ),
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>For nearly three decades, the arrangement that kept the lights on in Kestria was simple "
                    "enough to fit on a single page. Gas arrived from the east through the Grenholm pipeline at a "
                    "price fixed years in advance, the state-owned utility resold it to households at regulated "
                    "tariffs, and the government quietly absorbed the difference whenever world markets moved "
                    "against it. Industry got predictable bills, voters got cheap heating, and successive "
                    "governments got one less thing to argue about.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>That bargain is now coming apart, and not in the orderly way its architects imagined. The "
                    "long-term supply contract with Halvany expires in eighteen months. The <b>tariff subsidy</b> "
                    "has grown to the point where it rivals the national defence budget. And the offshore wind "
                    "projects meant to replace imported gas are running late, over budget, or both. What looked "
                    "for years like a managed transition has started to resemble a scramble.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Interviews with more than two dozen officials, engineers, economists and business owners "
                    "over the past two months suggest that the question in Orsenna is no longer <i>whether</i> the "
                    "old model will end but who will carry the cost of ending it. The answer, so far, is unclear, "
                    "and the uncertainty is already shaping investment decisions in Aldmere's industrial belt and "
                    "household budgets across the country.</p>"
                ),
            ),
            (
                "heading",
                "A contract written for another era",
            ),
            (
                "paragraph",
                (
                    "<p>The Grenholm agreement was signed when Kestria's economy was roughly half its current size "
                    "and its energy demand was dominated by a handful of state-owned factories. Its terms, which "
                    "were published in full only after a freedom-of-information case six years ago, guaranteed "
                    "minimum annual volumes and linked the price to a basket of oil products rather than to gas "
                    "traded on open markets. At the time, negotiators on both sides described it as a model of "
                    "stability.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>For much of its life, the deal worked in Kestria's favour. When global gas prices spiked, "
                    "the oil-linked formula lagged behind, shielding consumers from the worst of the volatility. "
                    "But the same formula has cut the other way in recent years, and the <a "
                    'href="https://example.org/reports/kestria-national-energy-accounts">latest national energy '
                    "accounts</a> show that Kestria paid on average 14 percent more per unit than neighbouring "
                    "importers buying on spot markets over the last three winters.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    '<p>"We were paying for certainty, and for a long time certainty was worth a premium," said '
                    "Lidia Moravec, who served as deputy energy minister during the contract's last renegotiation "
                    'and now teaches at the Orsenna Institute of Technology. "The problem is that nobody built '
                    "the next thing while the premium was cheap. We treated stability as a permanent condition "
                    'rather than a window."</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>That window is closing quickly. Halvany's state gas company has indicated that it will not "
                    "offer a renewal on similar terms, according to two officials familiar with preliminary talks "
                    "who were not authorised to speak publicly. Instead, it is proposing a shorter contract with "
                    "prices indexed to regional trading hubs, which would expose Kestrian buyers to exactly the "
                    "kind of volatility the original deal was designed to avoid.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The Ministry of Energy declined to comment on the negotiations but pointed to its <a "
                    'href="https://example.org/ministry-of-energy/energy-security-strategy">published energy '
                    "security strategy</a>, which sets a target of generating 60 percent of the country's "
                    "electricity from domestic renewable sources by the end of the decade. Officials say the "
                    "target remains achievable. Independent modellers are considerably less certain, and several "
                    "said privately that the ministry's own internal projections have slipped.</p>"
                ),
            ),
            (
                "image",
                "Turbines in the first phase of the Saltmarsh field, about forty kilometres off the Aldmere coast.",
                "Illustration: Meridian Ledger",
                190,
            ),
            (
                "paragraph",
                (
                    "<p>The Assembly's cross-party committee on infrastructure was blunter in a report released "
                    "last month. After six months of hearings, it concluded that the government had relied too "
                    "heavily on optimistic timelines supplied by developers and had not prepared a fallback plan "
                    "should the wind build-out slip.</p>"
                ),
            ),
            (
                "blockquote",
                (
                    "<p>The committee finds that the transition strategy, as currently designed, <b><i>assumes "
                    "that every major project will be delivered on time and on budget</i></b>. No infrastructure "
                    "programme of this scale in Kestria's history has met that standard, and the committee has "
                    "seen no evidence that this one will be the first.</p>"
                ),
                "Report of the Standing Committee on Infrastructure, Assembly of Kestria",
            ),
            (
                "paragraph",
                "<p>(<b><i>bold italics added</i></b>)</p>",
            ),
            (
                "paragraph",
                (
                    "<p>The flagship of that programme is Saltmarsh, a 1.2-gigawatt offshore wind field about "
                    "forty kilometres off the Aldmere coast. Construction began three years ago, and the first "
                    "turbines began exporting power last autumn. But the second and third phases have been delayed "
                    "by a shortage of specialised installation vessels and by a dispute over the cost of the "
                    "subsea cable connecting the field to the national grid. The operator now expects full output "
                    "roughly two years later than originally planned.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Household bills tell part of the story. A typical family in a three-room apartment in "
                    "Aldmere pays about 140 crowns a month for gas and electricity, according to the national "
                    "energy regulator. Without the subsidy, the regulator estimates, that figure would be closer "
                    "to 210 crowns at current wholesale prices, and higher still if a new Halvany contract is "
                    "priced at regional hub levels. For pensioners and low-income households in older buildings, "
                    "the increase would be considerably larger, because they tend to use more gas for heating per "
                    "square metre.</p>"
                ),
            ),
            (
                "heading",
                "Who pays for the bridge",
            ),
            (
                "paragraph",
                (
                    "<p>Energy planners often describe the period between the end of cheap imported gas and the "
                    'arrival of abundant domestic renewables as a "bridge". The difficulty is that bridges cost '
                    "money, and Kestria's public finances have less room than they did a decade ago. The tariff "
                    "subsidy cost the treasury an estimated 2.1 percent of national output last year, according to "
                    'the <a href="https://example.org/fiscal-council/annual-review">Fiscal Council\'s annual '
                    "review</a>, up from less than one percent five years earlier.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Economists broadly agree that the subsidy cannot continue at its current scale. They "
                    "disagree sharply about how fast it should be unwound and who should be protected along the "
                    "way. A gradual phase-out would spread the pain but prolong the fiscal drain; a rapid one "
                    "would free up money for investment but could push hundreds of thousands of households into "
                    "what campaigners call <i>energy poverty</i>, usually defined as spending more than a tenth of "
                    "income on heating and power.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    '<p>"There is no painless version of this," said Tobias Reinholt, chief economist at the '
                    'Coastal Economic Forum, a research group based in Aldmere. "What you can choose is whether '
                    "the pain is visible and targeted or hidden and universal. Right now it is hidden and "
                    "universal. Every taxpayer is subsidising every kilowatt-hour, including those used by the "
                    'households that could most easily afford to pay the full price."</p>'
                ),
            ),
            (
                "pull_quote",
                "We treated stability as a permanent condition rather than a window.",
                "Lidia Moravec",
            ),
            (
                "paragraph",
                (
                    "<p>What the contract's end changes for a household, in short:</p>"
                    "<ul><li>The regulated tariff is set every quarter instead of once a year.</li>"
                    "<li>The winter support payment moves from every meter to households that apply.</li>"
                    "<li>Night-rate meters keep their discount until the end of next year.</li></ul>"
                ),
            ),
            (
                "preformatted",
                (
                    "Household bill, kronar a month\n"
                    "Source: Energy Regulator (demo figures)\n"
                    "\n"
                    "               Winter   Summer\n"
                    "Last year         118       74\n"
                    "This year         131       79\n"
                    "Next year (est.)  149       88"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Industry has its own concerns. In Aldmere's eastern docklands, where chemical plants, a "
                    "steel rolling mill and several food processors sit within a few kilometres of each other, "
                    "energy makes up a large share of operating costs. Several firms told the Ledger they had "
                    "paused expansion plans until the shape of the post-Grenholm market becomes clearer.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    '<p>"We can live with higher prices if we know what they will be," said Hana Lindqvist, '
                    "operations director at Sorrel Valley Foods, which employs about 600 people at its Aldmere "
                    'plant. "What we cannot plan around is a number that might double or might fall by a third '
                    "depending on a negotiation none of us can see. Our bankers ask us about it every quarter, and "
                    "every quarter we give them the same answer: we don't know.\"</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>There are options on the table. The government has commissioned a feasibility study of a "
                    "second interconnector to the Coriath grid, which would allow Kestria to import surplus "
                    "hydroelectric power during wet seasons. A coalition of municipal utilities, led by Aldmere's, "
                    "has proposed a network of grid-scale batteries at decommissioned substations. And the "
                    "Ministry of Finance is reported to be examining a <b>means-tested energy credit</b> that "
                    "would replace the universal tariff subsidy for all but the lowest-income households.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Each option carries its own problems. The interconnector would take at least five years to "
                    "build and depends on Coriath's willingness to commit to firm export volumes. Battery storage "
                    "smooths out daily fluctuations but cannot cover a windless fortnight in January. And a "
                    "means-tested credit, while cheaper, would require the kind of up-to-date household income "
                    "data that Kestria's tax authority has historically struggled to maintain, as a <a "
                    'href="https://example.org/national-audit-office/benefit-systems-review">recent audit of '
                    "benefit systems</a> made clear.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The politics are equally difficult. The governing coalition includes a party whose core "
                    "voters live in rural regions with older, poorly insulated housing and a heavy reliance on gas "
                    "heating. Its leaders have said publicly that they will not support any reform that raises "
                    "bills for those households before the next election. The opposition, for its part, has "
                    "attacked the government both for the size of the subsidy and for the prospect of cutting "
                    "it.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>For now, the most likely outcome, according to several officials, is a short-term bridging "
                    "contract with Halvany on less favourable terms, combined with a modest trim to the subsidy "
                    "and a renewed push to accelerate Saltmarsh. That would buy time. It would not resolve the "
                    "underlying question of what Kestria's energy system is supposed to look like once the bridge "
                    "has been crossed, or how much households and businesses will be asked to pay for the "
                    "crossing.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Moravec, the former deputy minister, said she was cautiously hopeful that the current "
                    "pressure might force decisions that calmer years had allowed successive governments to avoid. "
                    '"Crises are expensive teachers," she said. "But they are usually the only ones anybody '
                    "listens to. The question is whether we learn the lesson this time, or simply sign another "
                    'contract and wait for the next one to run out."</p>'
                ),
            ),
        ],
    },
    {
        "slug": "aldmere-port-workers-accept-revised-contract",
        "section": "news",
        "secondary_sections": [],
        "title": "Aldmere port workers accept revised contract, ending three-week standoff",
        "standfirst": (
            "Dockworkers backed the deal by roughly two to one after the port authority agreed to cap mandatory "
            "overtime and consult the union on new automation."
        ),
        "authors": ["ada-finnerty"],
        "hours_ago": 4,
        "tags": ["Ports & Shipping", "Labour", "Aldmere"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 22,
        "image_caption": (
            "Container cranes at the Port of Aldmere, where a three-week overtime ban slowed cargo handling."
        ),
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Dockworkers at the Port of Aldmere voted on Tuesday to accept a revised three-year "
                    "contract, ending a standoff that had slowed cargo handling at the country's busiest harbour "
                    "and left dozens of vessels waiting at anchor in the outer roads.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>According to figures released by the Harbour Workers' Union, 64 percent of members who "
                    "took part in the ballot backed the agreement. Turnout was 81 percent, the highest the union "
                    "has recorded in more than a decade.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The deal includes a pay rise of 4.5 percent in the first year and 3 percent in each of the "
                    "following two years. More significant for many members, it <b>caps mandatory overtime at "
                    "eight hours a week</b> and creates a joint committee that must be consulted before any new "
                    "automated equipment is introduced at the container terminals.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    '<p>"This was never only about wages," said Ruth Okonjo, the union\'s branch secretary in '
                    'Aldmere. "People wanted a say in how the work is changing. Now we have that, in '
                    'writing."</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The Aldmere Port Authority said in a statement that normal operations would resume from "
                    "the next shift and that it expected the backlog to clear within ten days. Shipping agents "
                    "said some lines had already diverted cargo to smaller harbours along the coast and might not "
                    "return immediately.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The port handles roughly 40 percent of Kestria's containerised imports. The <a "
                    'href="https://example.org/aldmere-chamber/port-disruption-estimate">Aldmere Chamber of '
                    "Commerce</a> estimated that the slowdown cost local businesses about 30 million crowns in "
                    "delays and storage fees.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "halvany-reopens-northern-border-crossings",
        "section": "world",
        "secondary_sections": [],
        "title": "Halvany reopens northern border crossings as customs dispute eases",
        "standfirst": (
            "Freight traffic resumed at Tarnholt and Vessen after a six-day closure, with both governments "
            "agreeing to accept paper declarations during a 90-day transition."
        ),
        "authors": [],
        "hours_ago": 7,
        "tags": ["Trade", "Kestria"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 48,
        "image_caption": (
            "Lorries queued for several kilometres on the approach to the Tarnholt crossing during the closure."
        ),
        "image_credit": "Illustration: Northern Wire",
        "source": "Northern Wire",
        "original_author": "",
        "original_url": "https://northernwire.example/world/halvany-reopens-northern-border-crossings",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Halvany reopened two of its northern border crossings with Kestria on Monday, ending a "
                    "six-day closure that had stranded hundreds of lorries and disrupted supply chains for food "
                    "retailers on both sides of the frontier.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The closures at Tarnholt and Vessen followed a dispute over new electronic customs "
                    "declarations that Halvany introduced at the start of the month. Kestrian hauliers said the "
                    "system repeatedly rejected valid documents, while Halvanian officials said many declarations "
                    "had been submitted incomplete.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>In a joint statement, the two countries' customs agencies said they had agreed a 90-day "
                    "transition period during which paper declarations would be accepted alongside the electronic "
                    "system. Technical teams from both agencies will meet weekly to resolve compatibility "
                    "problems.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Hauliers' associations welcomed the reopening but warned that queues would take several "
                    'days to clear. "Drivers have been sleeping in their cabs for nearly a week," said a '
                    'spokesperson for the Kestrian Road Freight Association. "We need a system that works on the '
                    'first attempt, not another temporary fix."</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Trade between the two countries was worth an estimated 9 billion crowns last year, with "
                    "food, building materials and machinery parts accounting for the bulk of cross-border "
                    "freight.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "kestrian-national-bank-holds-rates",
        "section": "economy",
        "secondary_sections": [],
        "title": "Kestrian National Bank holds rates and signals patience on inflation",
        "standfirst": (
            "The central bank kept its main rate at 4.25 percent for a fourth consecutive meeting, saying price "
            "pressures were easing but not yet beaten."
        ),
        "authors": ["priya-halloran"],
        "hours_ago": 10,
        "tags": ["Central Banks", "Kestria"],
        "staff_pick": True,
        "staff_pick_order": 2,
        "image_hue": 140,
        "image_caption": (
            "The Kestrian National Bank's monetary policy board has now held rates steady at four consecutive meetings."
        ),
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>The Kestrian National Bank left its benchmark interest rate unchanged at 4.25 percent on "
                    "Thursday, as expected, and signalled that it was in no hurry to begin cutting despite a "
                    "steady decline in headline inflation.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Annual consumer price inflation fell to 3.4 percent last month from a peak of 9.1 percent "
                    "eighteen months ago. But the bank's <b>monetary policy board</b> said in its statement that "
                    'services inflation, which reflects domestic wage pressures, remained "uncomfortably '
                    'persistent" at 5.2 percent.</p>'
                ),
            ),
            (
                "paragraph",
                (
                    '<p>"We have made real progress, and we do not intend to waste it," Governor Elsa Brandt '
                    'told reporters in Orsenna. "The board will need to see several more months of evidence '
                    'before it can be confident that inflation is returning sustainably to target."</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Markets had priced in a small chance of a cut. The crown strengthened modestly against the "
                    "currencies of Kestria's main trading partners after the announcement, and yields on two-year "
                    "government bonds rose by about five basis points.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Economists said the bank's tone pointed to a first cut in the spring at the earliest. "
                    '"They are clearly thinking about the energy subsidy question," said Marta Oyelaran, an '
                    'economist at Fenwick Capital in Aldmere. "If the government trims the subsidy, headline '
                    'inflation jumps for a few months, and the bank wants room to <i>look through</i> that." The '
                    '<a href="https://example.org/kestrian-national-bank/policy-statement">full policy '
                    "statement</a> is published on the bank's website.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "watch-inside-saltmarsh-wind-field-first-winter",
        "section": "video",
        "secondary_sections": [],
        "title": "Watch: Inside the Saltmarsh wind field's first winter offshore",
        "standfirst": (
            "Our video team spent three days with the technicians keeping Kestria's largest renewable energy "
            "project running through the gulf's roughest season."
        ),
        "authors": ["marek-solberg", "ines-calder"],
        "hours_ago": 14,
        "tags": ["Energy", "Climate", "Aldmere"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 196,
        "image_caption": "A crew transfer vessel approaches a turbine at the Saltmarsh offshore wind field.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "embed",
                "https://www.youtube.com/watch?v=Qm4tR8vLx2a",
                "Saltmarsh: A Winter Offshore (12 minutes)",
            ),
            (
                "paragraph",
                (
                    "<p>When the first turbines at Saltmarsh began exporting electricity last autumn, the "
                    "project's engineers knew the real test would come in winter. Wave heights in the outer gulf "
                    "regularly exceed four metres between December and February, and crew transfer vessels can "
                    "reach the turbines on only a fraction of days.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>In this short documentary, Marek Solberg and Ines Calder follow a maintenance team based "
                    "in Aldmere as they wait out storms, race to use narrow weather windows and explain why "
                    "<b>access, not wind</b>, is often the limiting factor for offshore power. The film also looks "
                    "at the delayed second phase of the project and what it means for the country's energy "
                    "plans.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The Ledger will publish a longer analysis of the economics behind Saltmarsh and Kestria's "
                    "expiring gas contract later this week. In the meantime, the full interview with the site's "
                    "operations manager, recorded aboard a supply vessel in a rising gale, is available on our "
                    "YouTube channel.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "aldmere-housing-plan-needs-more-than-good-intentions",
        "section": "opinion",
        "secondary_sections": [],
        "title": "Aldmere's housing plan needs more than good intentions",
        "standfirst": (
            "The council's new strategy sets the right goals. Without land, money and a willingness to disappoint "
            "some neighbours, it will not meet them."
        ),
        "authors": ["helena-marsh"],
        "hours_ago": 20,
        "tags": ["Housing", "Aldmere"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 12,
        "image_caption": "Aldmere has built fewer than half the homes it needs each year for a decade.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Aldmere's city council deserves credit for one thing: its new housing strategy, published "
                    "last month, does not pretend the problem is small. It acknowledges that the city has built "
                    "fewer than half the homes it needs each year for a decade, that rents in the Old Harbour and "
                    "Eastgate districts have risen by more than a third in five years, and that young workers are "
                    "leaving for smaller towns along the coast.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>What the strategy does not do is explain how it will reach its headline target of <b>4,000 "
                    "new homes a year</b>. The document runs to 140 pages, but the section on financing is four "
                    "pages long, and most of it describes funds the city hopes to obtain rather than money it "
                    "actually has.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The council has three real levers. It owns a substantial amount of land, much of it former "
                    "port and rail property in the eastern docklands. It controls planning permission. And it can "
                    "borrow, within limits set by the national government. A credible plan would use all three. "
                    "This one leans almost entirely on the second, promising faster approvals without addressing "
                    "why so many approved schemes never break ground.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>There is also the politics. Every councillor supports more housing in principle; far fewer "
                    "support it on their own ward's streets. The strategy's <i>neighbourhood consent</i> process, "
                    "which gives residents' associations an early say on large developments, may be well "
                    "intentioned, but in practice it risks handing a veto to people who already have homes.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>None of this means the plan should be abandoned. It means the council should return with "
                    "the missing chapters: a land release schedule, a realistic financing model and a clear "
                    "statement of what it will do when local objections collide with citywide need. Aldmere has "
                    "had enough strategies. It needs houses.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "assembly-committee-opens-inquiry-into-ferry-contract",
        "section": "news",
        "secondary_sections": [],
        "title": "Assembly committee opens inquiry into Lume Islands ferry contract",
        "standfirst": (
            "Lawmakers will examine how a twelve-year contract was awarded after two of the winning operator's "
            "three vessels failed safety inspections."
        ),
        "authors": ["ada-finnerty"],
        "hours_ago": 26,
        "tags": ["Transport", "Kestria"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 215,
        "image_caption": "Services between Aldmere and the Lume Islands have run on a reduced timetable for months.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>A parliamentary committee has opened an inquiry into the award of the contract to run "
                    "ferry services between Aldmere and the Lume Islands, after two of the three vessels supplied "
                    "by the winning operator were withdrawn from service following failed safety inspections.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The Standing Committee on Infrastructure announced the inquiry on Wednesday afternoon. It "
                    "said it would call officials from the Ministry of Transport and executives from the operator, "
                    "Gullwing Maritime, to give evidence in public sessions beginning next month.</p>"
                ),
            ),
            (
                "embed",
                "https://x.com/KestriaInfraCttee/status/1794412087335210045",
                "The committee announced the inquiry on its official account.",
            ),
            (
                "paragraph",
                (
                    "<p>The twelve-year contract, worth an estimated 780 million crowns, was awarded last spring "
                    "after a tender in which Gullwing's bid was the lowest of four. Documents published by the "
                    "ministry show that the evaluation gave <b>price a weighting of 70 percent</b>, with vessel "
                    "condition and operating history accounting for the remainder.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Islanders have endured months of cancellations and reduced timetables since the vessels "
                    'were withdrawn. "People are missing hospital appointments on the mainland," said Ilse '
                    "Marrow, who chairs the Lume Islands residents' council. \"We were told this contract would "
                    'improve the service. It has done the opposite."</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Gullwing Maritime said in a statement that it welcomed the inquiry and would cooperate "
                    "fully. It said repairs to both vessels were under way and that it expected them to return to "
                    "service within six weeks.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "what-the-container-slowdown-says-about-northern-trade",
        "section": "economy",
        "secondary_sections": ["analysis"],
        "title": "What the container slowdown says about the north's trade routes",
        "standfirst": (
            "The dispute at Aldmere exposed how much of the region's trade depends on a single harbour, and how "
            "few alternatives are ready to take the strain."
        ),
        "authors": [],
        "hours_ago": 33,
        "tags": ["Trade", "Ports & Shipping"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 32,
        "image_caption": "Containers stacked along the quay in Aldmere during the overtime ban.",
        "image_credit": "Illustration: The Harbor Review",
        "source": "The Harbor Review",
        "original_author": "Corin Hale",
        "original_url": "https://harborreview.example/analysis/container-slowdown-northern-trade-routes",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>When dockworkers in Aldmere began their overtime ban three weeks ago, the immediate "
                    "effects were easy to see: queues of vessels at anchor, containers stacked higher than usual "
                    "along the quay, and a growing backlog of cargo waiting for customs clearance. The longer-term "
                    "lessons are less visible, but they matter more.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The first is concentration. Aldmere handles about four in every ten containers entering "
                    "Kestria, and a substantial share of the transit traffic bound for Halvany and the inland "
                    "provinces. When throughput there falls by a third, as it did at the height of the dispute, "
                    "there is no other port on the northern coast with the cranes, rail connections and storage "
                    "capacity to absorb the difference.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Shipping lines tried. Several diverted vessels to Port Essendine and to the smaller "
                    "harbour at Carrow Bay. But both are designed primarily for bulk cargo, and neither has the "
                    "rail links to move containers inland at scale. Lorries filled the gap, at a price. Freight "
                    "forwarders estimate that moving a container from Carrow Bay to the inland distribution hubs "
                    "costs roughly twice as much as the same journey from Aldmere.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The second lesson concerns inventory. For most of the past two decades, importers across "
                    "the region kept stocks lean, trusting that goods would arrive on schedule. The supply "
                    "disruptions of recent years shook that faith, and many firms rebuilt their buffers. But as "
                    "freight rates normalised, those buffers were quietly run down again. Retailers and "
                    "manufacturers interviewed for this article said the Aldmere dispute caught them with two to "
                    "three weeks of stock, not the six to eight they held at the peak of the supply crisis.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Some of those costs have already reached consumers. Supermarket chains in the inland "
                    "provinces reported gaps on shelves for imported fruit and household goods during the second "
                    "week of the dispute, and at least one appliance retailer delayed a seasonal promotion because "
                    "its stock was sitting on a vessel outside the harbour. None of it was dramatic, but it showed "
                    "how quickly a problem at one quay can reach a shop counter far away.</p>"
                ),
            ),
            (
                "blockquote",
                (
                    "<p>We had convinced ourselves that the disruption years were an exception. This was a "
                    "reminder that a single harbour, and a single dispute, can still stop a production line three "
                    "hundred kilometres away.</p>"
                ),
                "Karin Velde, procurement director at an appliance manufacturer in Orsenna",
            ),
            (
                "paragraph",
                (
                    "<p>The third lesson is about infrastructure planning. Kestria's national ports strategy, last "
                    "revised six years ago, envisaged Essendine developing into a secondary container hub by the "
                    "end of the decade. Little of that has happened. A planned rail spur remains in the design "
                    "phase, and the port's operator has said it cannot justify buying ship-to-shore cranes without "
                    "firm commitments from shipping lines, which in turn will not commit without the cranes.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Breaking that circular logic usually requires public money, and Kestria's transport budget "
                    "is already stretched by road maintenance and subsidised ferry services to the islands. But "
                    "the cost of doing nothing is now easier to quantify. The Aldmere Chamber of Commerce's early "
                    "estimate of 30 million crowns in direct losses does not include the knock-on effects on "
                    "factories, retailers and exporters further along the chain.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>None of this is an argument against the port workers, whose dispute centres on working "
                    "hours and the pace of automation, concerns that are widely shared in harbours across the "
                    "region. It is an argument for <b>redundancy</b>. A trading economy that relies on one gateway "
                    "will always be vulnerable to whatever happens at that gateway, whether it is a labour "
                    "dispute, a cyber attack on a terminal operating system, or a winter storm that closes the "
                    "harbour mouth for days.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Whenever the current dispute is settled, normal operations will return within a week or "
                    "two. The vulnerability it exposed will remain until policymakers decide that resilience is "
                    "worth paying for in advance, rather than after the next disruption has already arrived.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "lume-islands-first-local-elections-new-charter",
        "section": "world",
        "secondary_sections": [],
        "title": "Lume Islands hold first elections under new self-governing charter",
        "standfirst": (
            "Turnout topped 70 percent as islanders chose a council with powers over fisheries, planning and local "
            "transport."
        ),
        "authors": ["jonah-whitcombe"],
        "hours_ago": 40,
        "tags": ["Elections", "Transport"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 172,
        "image_caption": "Voters queued outside the harbour hall in the islands' main town on Sunday morning.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Voters in the Lume Islands went to the polls on Sunday for the first time under a new "
                    "charter that transfers control of fisheries licensing, land-use planning and local transport "
                    "from the national government in Orsenna to an elected island council.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Turnout was 72 percent, according to the islands' electoral office, well above the 48 "
                    "percent recorded there at the last national election. Results published on Monday morning "
                    "gave the Islands First list eight of the council's fifteen seats, a narrow majority. An "
                    "alliance of fishing cooperatives won four seats, and three went to candidates affiliated with "
                    "national parties.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The charter, approved by the Assembly two years ago after a long campaign by island "
                    "residents, is the most significant devolution of power in Kestria's modern history. "
                    "Supporters say it will allow decisions to be made by people who understand the islands' "
                    "<i>particular economy</i>, which depends heavily on fishing, seasonal tourism and transfers "
                    "from the mainland.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The ferry service is likely to dominate the council's first months. Although the current "
                    "contract remains a national responsibility until it expires, the charter gives the council a "
                    'formal role in specifying the next tender. "We will not accept another contract decided on '
                    'price alone," said Orla Penhallow, who is expected to lead the new council.</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Critics of the charter, including some members of the Assembly's finance committee, have "
                    "questioned whether an island population of roughly 18,000 can sustain its own administration "
                    "without raising local taxes. The council's first budget is due within ninety days.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "aldmere-extends-water-restrictions-sorrel-record-low",
        "section": "news",
        "secondary_sections": [],
        "title": "Aldmere extends water restrictions as Sorrel river falls to record low",
        "standfirst": (
            "The hosepipe ban will remain in force until at least the end of next month, and the city's utility "
            "says large industrial users may face limits for the first time."
        ),
        "authors": ["ines-calder"],
        "hours_ago": 48,
        "tags": ["Water", "Climate", "Aldmere"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 28,
        "image_caption": "Exposed riverbed along the Sorrel upstream of Harlow Weir.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": 41,
        "update_note": "Updated with revised reservoir figures published by Aldmere Water on Thursday evening.",
        "body": [
            (
                "paragraph",
                (
                    "<p>Aldmere's water utility has extended restrictions on household water use for at least "
                    "another six weeks after the Sorrel river, which supplies most of the city's drinking water, "
                    "fell to its lowest level since records began.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The ban on using hosepipes for gardens, car washing and filling private pools, first "
                    "introduced in midsummer, will now remain in force until at least the end of next month. "
                    "Aldmere Water said it was also preparing for possible limits on <b>large industrial users</b> "
                    "if autumn rainfall remains below average.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Flow at the utility's main monitoring station at Harlow Weir was measured at 3.8 cubic "
                    "metres per second on Wednesday, about a quarter of the seasonal average. The city's two "
                    "storage reservoirs stood at 41 percent of capacity, according to figures published on "
                    "Thursday evening, down from 46 percent a week earlier.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    '<p>"We are not at the point of rationing household supply, and we do not expect to be," '
                    "said Jorun Akerman, the utility's director of operations. \"But we need every household and "
                    'every business to treat water as the limited resource it currently is."</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Hydrologists at the University of Aldmere said the drought reflects a combination of low "
                    "winter snowfall in the Sorrel's upland catchment and one of the driest springs on record. "
                    'Their <a href="https://example.org/university-of-aldmere/sorrel-catchment-study">catchment '
                    "study</a>, published last year, warned that such conditions were likely to become more "
                    "frequent.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "digital-id-rollout-delayed-after-security-audit",
        "section": "news",
        "secondary_sections": [],
        "title": "Kestria's digital ID rollout delayed after audit finds security flaws",
        "standfirst": (
            "The national identity app will not launch until next year after independent testers found weaknesses "
            "in how it stores biometric data."
        ),
        "authors": ["tomas-varga"],
        "hours_ago": 56,
        "tags": ["Technology", "Security"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 265,
        "image_caption": "The KeyID app had been due to launch in the spring.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "editors_note",
                (
                    "<p>This article has been updated to include a response from the Ministry of Digital Affairs, "
                    "received after publication. An earlier version said the audit had been commissioned by the "
                    "Assembly; it was commissioned by the ministry.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The launch of Kestria's national digital identity app has been postponed until next year "
                    "after an independent security audit identified weaknesses in the way the system stores and "
                    "transmits biometric data, according to a summary of the findings seen by the Ledger.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The app, known as KeyID, was meant to allow citizens to prove their identity online for "
                    "banking, tax filings and access to public services. It had been scheduled to launch in the "
                    "spring, with a target of two million users in its first year.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The audit, carried out by a specialist security firm over three months, found that facial "
                    "templates captured during enrolment were being cached on devices in a form that could, under "
                    "certain conditions, be extracted by malicious software. It also identified gaps in the "
                    "logging of administrator access to the central database.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    '<p>In a statement, the Ministry of Digital Affairs said it had "acted immediately" on the '
                    "findings and that <i>no real user data had been exposed</i>, because the system had only been "
                    'used in closed testing. "We commissioned this audit precisely so that problems would be '
                    'found before launch rather than after," the ministry said.</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Privacy advocates said the delay vindicated their calls for the full audit to be "
                    'published. "Citizens are being asked to trust this system with the most sensitive '
                    'information they have," said Benedikt Sauer of the Open Rights Collective, a civil liberties '
                    'group in Orsenna. "They deserve to see the evidence, not a summary."</p>'
                ),
            ),
        ],
    },
    {
        "slug": "local-news-is-civic-infrastructure",
        "section": "opinion",
        "secondary_sections": [],
        "title": "Local news is civic infrastructure. We should treat it that way",
        "standfirst": (
            "When a town loses its newspaper, it does not just lose stories. It loses a shared record of what its "
            "institutions are doing."
        ),
        "authors": ["helena-marsh"],
        "hours_ago": 64,
        "tags": ["Culture"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 330,
        "image_caption": "More than a third of Kestria's local newspapers have closed or merged in fifteen years.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Over the past fifteen years, more than a third of Kestria's local newspapers have closed "
                    "or merged, according to a <a "
                    'href="https://example.org/press-council/local-news-census">census by the national press '
                    "council</a>. In many towns, the last full-time reporter left years ago. Council meetings go "
                    "unattended, court lists go unread, and planning decisions are made with nobody outside the "
                    "room paying close attention.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>We tend to talk about this as a problem for the news industry. It is better understood as "
                    "a problem for everyone else. Research from several countries has found that when local "
                    "coverage disappears, <b>turnout in local elections falls</b>, fewer candidates stand for "
                    "office, and public borrowing costs can rise, because lenders and voters alike have less "
                    "information about how money is being spent.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The Meridian Ledger exists partly because we believe independent, reader-supported "
                    "journalism can help fill that gap. But we are under no illusion that a single outlet, or even "
                    "a dozen, can replace what has been lost. The economics that sustained local papers for a "
                    "century, built on classified advertising and print subscriptions, are not coming back.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>What might work is a mix: readers who pay because they value the work, philanthropic "
                    "support that comes without editorial strings, and public policies that treat local reporting "
                    "as what it is, a form of <i>civic infrastructure</i> as essential to a functioning town as "
                    "its library or its courthouse. That does not mean state-controlled media. It means tax "
                    "treatment, procurement rules and public notice requirements designed with independent local "
                    "outlets in mind.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>If you value what we do, the most direct way to help is to support us. But whatever you "
                    "decide, pay attention to who is covering your council. If the answer is nobody, that is worth "
                    "worrying about.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "grain-exporters-brace-for-higher-shipping-insurance",
        "section": "economy",
        "secondary_sections": [],
        "title": "Grain exporters brace for higher shipping insurance costs",
        "standfirst": (
            "Underwriters have raised premiums for vessels crossing the outer gulf after a series of incidents, "
            "adding to pressure on farmers already facing weak prices."
        ),
        "authors": ["priya-halloran"],
        "hours_ago": 72,
        "tags": ["Trade", "Ports & Shipping", "Security"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 45,
        "image_caption": "Bulk carriers loading grain at Aldmere's western terminal.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Kestrian grain exporters are facing sharply higher costs to insure cargoes leaving Aldmere "
                    "after marine underwriters raised premiums for vessels crossing the outer gulf, following "
                    "reports of navigation interference and a collision near the Tessel Narrows.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Brokers said war-risk and hull premiums for bulk carriers on the route had roughly tripled "
                    "since the summer, adding between two and four crowns to the cost of shipping a tonne of "
                    "wheat. That may sound modest, but with export prices near five-year lows, it is enough to "
                    "erase much of the margin for many growers.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    '<p>"Farmers are being squeezed from both ends," said Aurelio Brandvik, who heads the '
                    "Kestrian Grain Exporters' Association. \"Prices abroad are weak, input costs at home are "
                    'high, and now it costs more to get the product out of the country."</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The increases follow reports from shipmasters of satellite navigation signals being "
                    "disrupted in parts of the outer gulf. The <a "
                    'href="https://example.org/maritime-authority/navigation-advisory">national maritime '
                    "authority</a> has issued advisories urging crews to rely on traditional navigation methods in "
                    "affected areas. Nobody has publicly attributed responsibility for the interference.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Exporters have asked the government to consider a temporary <b>state-backed reinsurance "
                    "scheme</b>, similar to arrangements some countries have used during past shipping crises. The "
                    'Ministry of Finance said it was "monitoring the situation closely" but had no plans to '
                    "intervene at present.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "explainer-how-a-budget-passes-kestrias-assembly",
        "section": "video",
        "secondary_sections": [],
        "title": "Explainer: How a budget makes its way through Kestria's Assembly",
        "standfirst": (
            "From the finance minister's first speech to the final vote, our short explainer walks through the "
            "months-long process that decides how public money is spent."
        ),
        "authors": ["ada-finnerty", "marek-solberg"],
        "hours_ago": 84,
        "tags": ["Kestria", "Elections"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 280,
        "image_caption": "The Assembly chamber in Orsenna during last year's budget debate.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "embed",
                "https://www.youtube.com/watch?v=Vb3nK9pWq7e",
                "How the budget works, in seven minutes",
            ),
            (
                "paragraph",
                (
                    "<p>Each autumn, Kestria's finance minister presents a draft budget to the Assembly. What "
                    "happens next is less well understood: weeks of committee hearings, line-by-line amendments, "
                    "negotiations between coalition partners and, occasionally, a dramatic late-night vote.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>In this explainer, Ada Finnerty and Marek Solberg trace the journey of a single spending "
                    "line, funding for coastal flood defences, from the ministry's first estimate to the final "
                    "law. Along the way they explain the role of the <b>Fiscal Council</b>, why opposition "
                    "amendments rarely pass, and what happens if the Assembly fails to approve a budget before the "
                    "new year. They also show how a single late amendment can move tens of millions of crowns from "
                    "one line to another.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The video is part of our series on how public institutions work. Earlier episodes covered "
                    "how Assembly committees choose what to investigate and how municipal councils set local tax "
                    "rates. Suggestions for future topics are welcome through our contact page.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "coriath-varenland-sign-fisheries-pact",
        "section": "world",
        "secondary_sections": [],
        "title": "Coriath and Varenland sign fisheries pact after a decade of talks",
        "standfirst": (
            "The agreement sets shared quotas for herring and mackerel in contested waters and creates a joint "
            "scientific body to advise on stock levels."
        ),
        "authors": ["jonah-whitcombe"],
        "hours_ago": 96,
        "tags": ["Trade", "Climate", "Science"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 185,
        "image_caption": "Herring stocks in the northern gulf have fallen by an estimated 40 percent in two decades.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Coriath and Varenland signed a long-awaited fisheries agreement on Friday, ending more "
                    "than ten years of intermittent negotiations over fishing rights in the waters between the two "
                    "countries and setting out a framework for managing migratory stocks.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The agreement establishes shared annual quotas for herring and mackerel, divided according "
                    "to a formula that accounts for where the fish spend different parts of their life cycle. It "
                    "also creates a <b>joint scientific commission</b>, whose advice on sustainable catch levels "
                    'both governments have committed to "take fully into account" when setting quotas.</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Marine scientists cautiously welcomed the deal. Stocks of northern herring have fallen by "
                    "an estimated 40 percent over the past two decades, partly because of overfishing and partly "
                    'because warming waters have pushed shoals further north. "For years, each country has set '
                    'its own limits as if the fish belonged only to them," said Dr Signe Thorvald, a fisheries '
                    'biologist at the Coriath Marine Institute. "That was never going to work."</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Kestria, whose fleet also fishes in parts of the affected area, was not party to the "
                    "agreement. Officials in Orsenna said they were studying the text and would seek talks with "
                    "both governments about a possible three-way arrangement.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "why-kestrias-coalition-keeps-surviving",
        "section": "analysis",
        "secondary_sections": ["news"],
        "title": "Why Kestria's coalition keeps surviving its own crises",
        "standfirst": (
            "Three parties with little in common have governed together for nearly four years. The glue is less "
            "ideology than arithmetic, and fear of the alternative."
        ),
        "authors": ["tomas-varga"],
        "hours_ago": 110,
        "tags": ["Elections", "Kestria"],
        "staff_pick": True,
        "staff_pick_order": 3,
        "image_hue": 350,
        "image_caption": "The coalition has survived two confidence votes in the Assembly.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>By most conventional measures, Kestria's governing coalition should have collapsed long "
                    "ago. Its three member parties disagree on energy policy, on the pace of tax reform and on how "
                    "much power to devolve to the regions. Its prime minister has survived two confidence votes. "
                    "And opinion polls have shown the opposition ahead for most of the past eighteen months.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Yet the coalition is now the longest-serving government in Kestria in two decades. "
                    "Understanding why requires less attention to what the parties say in public and more to the "
                    "incentives they face in private.</p>"
                ),
            ),
            (
                "heading",
                "The arithmetic of staying together",
            ),
            (
                "paragraph",
                (
                    "<p>The first factor is simple arithmetic. None of the three parties would be likely to "
                    "improve its position in an early election. The largest, the centre-right National Union, is "
                    "polling several points below its last result. The Rural Alliance, whose support is "
                    "concentrated in the agricultural north, fears losing seats to newer regional movements. And "
                    "the Greens, the smallest partner, have used their position to secure commitments on renewable "
                    "energy that they would struggle to win from opposition.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The second factor is institutional. Kestria's constitution makes it difficult to dissolve "
                    "the Assembly early; a government that loses a confidence vote is given thirty days to form an "
                    "alternative before new elections are called. That <i>cooling-off period</i> has twice allowed "
                    "coalition leaders to negotiate their way back from the brink.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The third factor is the opposition itself. The Social Democrats lead the polls, but they "
                    "would almost certainly need a partner to govern, and the most plausible candidates are the "
                    "same Rural Alliance and Greens now sitting in government. Neither has much incentive to "
                    "switch sides for a junior role in a different coalition.</p>"
                ),
            ),
            (
                "pull_quote",
                (
                    "The coalition's real glue is not shared conviction but a shared reluctance to find out what "
                    "comes next."
                ),
                "Tomas Varga",
            ),
            (
                "paragraph",
                (
                    "<p>None of this guarantees survival through the coming winter. The energy subsidy debate, "
                    'which the <a href="https://example.org/fiscal-council/annual-review">Fiscal Council</a> has '
                    "called the largest unresolved risk to the public finances, touches every fault line in the "
                    "coalition at once. But the history of the past four years suggests that betting on its "
                    "collapse has been a losing wager.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "aldmere-libraries-to-stay-open-later",
        "section": "news",
        "secondary_sections": [],
        "title": "Aldmere libraries to stay open later under new civic fund",
        "standfirst": (
            "Six branch libraries will open until 9pm on weekdays from next month, funded by a partnership between "
            "the city and local employers."
        ),
        "authors": ["ada-finnerty"],
        "hours_ago": 125,
        "tags": ["Culture", "Aldmere"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 95,
        "image_caption": "The Eastgate branch library is among six that will extend their weekday hours.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Six of Aldmere's branch libraries will stay open until 9pm on weekdays from next month, "
                    "under a three-year pilot funded jointly by the city council and a group of local "
                    "employers.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The Civic Hours Fund, announced on Tuesday, will provide 2.4 million crowns a year to "
                    "cover additional staffing, heating and security. The council will contribute half, with the "
                    "remainder coming from a consortium of eleven businesses, including two of the city's largest "
                    "shipping firms and a regional bank.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Library use in the city has recovered strongly in recent years, driven partly by students "
                    "and remote workers looking for quiet space. But opening hours were cut by nearly a third "
                    "during a round of budget reductions a decade ago, and most branches currently close at "
                    "6pm.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    '<p>"We hear the same thing at every branch: people want to come in after work, and the doors '
                    'are already shut," said Nadia Ferreira-Lund, the city\'s head of library services. "This '
                    'gives us a chance to show what happens when they are open."</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Councillor Edwin Rask, who chairs the culture committee, said the pilot would be assessed "
                    "on visitor numbers and a survey of users. Some opposition councillors questioned whether "
                    "private funding might later be used to justify <i>cutting</i> the city's own contribution.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "small-manufacturers-report-strongest-orders-in-two-years",
        "section": "economy",
        "secondary_sections": [],
        "title": "Small manufacturers report strongest order books in two years",
        "standfirst": (
            "A quarterly survey points to recovering demand at home and in neighbouring markets, though firms say "
            "energy costs and hiring remain obstacles."
        ),
        "authors": ["priya-halloran"],
        "hours_ago": 140,
        "tags": ["Labour", "Energy", "Kestria"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 60,
        "image_caption": "A precision engineering workshop on the outskirts of Aldmere.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Small and medium-sized manufacturers in Kestria reported their strongest order books in "
                    "two years in the third quarter, according to a survey published on Monday by the Federation "
                    "of Kestrian Industry, adding to signs that the economy is recovering from last year's "
                    "slowdown.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The federation's index of new orders rose to 56.3 from 51.8 in the previous quarter, "
                    "comfortably above the 50 mark that separates growth from contraction. Export orders rose for "
                    "the first time in five quarters, driven mainly by demand from Halvany and Coriath.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>But the survey also highlighted persistent constraints. More than half of respondents "
                    "cited <b>energy costs</b> as a significant concern, and 38 percent said they had struggled to "
                    "fill skilled vacancies, particularly for welders, electricians and machine operators.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    '<p>"The demand is there. What we lack is certainty about costs and enough people to do the '
                    'work," said Matthias Evander, who runs a precision engineering firm employing 85 people on '
                    'the outskirts of Aldmere. "Every firm I know is trying to hire, and every firm is competing '
                    'for the same small pool."</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The federation urged the government to expand apprenticeship funding and to give "
                    "businesses a clearer timeline on energy subsidy reform. Economists said the data supported "
                    "the view that growth would pick up modestly next year.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "forecasters-warn-of-stronger-storm-season",
        "section": "world",
        "secondary_sections": [],
        "title": "Forecasters warn of a stronger storm season in the southern gulf",
        "standfirst": (
            "Unusually warm sea temperatures are expected to fuel more intense storms before the end of the year, "
            "and coastal towns are being urged to review their flood plans."
        ),
        "authors": [],
        "hours_ago": 160,
        "tags": ["Climate", "Science"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 230,
        "image_caption": "Sea surface temperatures in the southern gulf are well above the long-term average.",
        "image_credit": "Illustration: Coastline Dispatch",
        "source": "Coastline Dispatch",
        "original_author": "Mirela Dunne",
        "original_url": "https://coastlinedispatch.example/weather/storm-season-outlook-southern-gulf",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Meteorologists have warned that coastal communities around the southern gulf should "
                    "prepare for a more intense end to the storm season than usual, citing sea surface "
                    "temperatures well above the long-term average.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The regional forecasting centre said in its updated outlook that it expected between four "
                    "and six more named storms before the end of December, compared with an average of two for the "
                    "same period. It put the probability of at least one storm producing a damaging surge along "
                    "the southern coast at around 60 percent.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    '<p>"Warm water is fuel," said Dr Tamsin Rhee, the centre\'s head of seasonal forecasting. '
                    '"It does not guarantee a severe season, but it shifts the odds. Communities that would '
                    'normally expect one significant event may need to plan for two or three."</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Local authorities in several coastal towns have begun checking flood barriers and updating "
                    "evacuation plans. Emergency services urged residents in low-lying areas to sign up for alert "
                    "systems and to find out where their nearest shelter is.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "trade-deals-should-be-written-for-ports",
        "section": "opinion",
        "secondary_sections": [],
        "title": "Trade deals should be written for ports, not podiums",
        "standfirst": (
            "Governments love the signing ceremony. The hard work of making an agreement function happens later, "
            "on the quayside and at the border post."
        ),
        "authors": ["tomas-varga"],
        "hours_ago": 180,
        "tags": ["Trade"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 38,
        "image_caption": "Trade agreements are signed in capitals but tested at border crossings.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Every few months, a Kestrian minister stands at a podium alongside a foreign counterpart "
                    "and announces a trade agreement that will, we are told, unlock billions in new commerce. The "
                    "photographs are taken, the communiques are issued, and attention moves on.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>What happens next gets far less attention. The hours-long queues that have become routine "
                    "at the Tarnholt crossing this autumn are a reminder that trade is not made by treaties alone. "
                    "It is made by <b>customs systems that talk to each other</b>, by rail timetables, and by "
                    "inspection regimes that can process a lorry in minutes rather than hours.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Kestria's existing agreement with Halvany has been in force for six years. Tariffs on most "
                    "goods fell to zero on the first day. Yet surveys of exporters consistently find that "
                    "non-tariff obstacles, from duplicated paperwork to inconsistent product standards, cost them "
                    "more than the tariffs ever did.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The government should change how it measures success. Instead of counting agreements "
                    "signed, it should publish regular figures on border waiting times, the share of customs "
                    "declarations rejected, and the cost of moving a container between Aldmere and its main inland "
                    "markets. Those numbers would be less photogenic than a signing ceremony. They would also tell "
                    "us whether trade policy is <i>actually working</i>.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "researchers-map-aldmeres-hottest-streets",
        "section": "news",
        "secondary_sections": [],
        "title": "Researchers map Aldmere's hottest streets and find a widening gap",
        "standfirst": (
            "A university study using street sensors and satellite data found that some neighbourhoods run up to "
            "seven degrees hotter than others on summer afternoons."
        ),
        "authors": ["ines-calder"],
        "hours_ago": 205,
        "tags": ["Science", "Climate", "Water", "Aldmere"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 8,
        "image_caption": "Densely built streets in Eastgate recorded the highest afternoon temperatures.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Some of Aldmere's densely built neighbourhoods are up to seven degrees Celsius hotter on "
                    "summer afternoons than leafier districts only a few kilometres away, according to a new study "
                    "by researchers at the University of Aldmere.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The team combined readings from 240 street-level temperature sensors with satellite "
                    "imagery collected over three summers to produce what they describe as the most detailed heat "
                    "map of the city yet published. The <a "
                    'href="https://example.org/university-of-aldmere/urban-heat-map">interactive map</a> is '
                    "available online.</p>"
                ),
            ),
            (
                "image",
                "Afternoon surface temperatures across Aldmere, from the university's sensor network.",
                "Illustration: Meridian Ledger",
                15,
            ),
            (
                "paragraph",
                (
                    "<p>The hottest areas were concentrated in Eastgate and parts of the eastern docklands, where "
                    "tree cover is sparse, buildings are close together and large areas are paved. The coolest "
                    "were along the Sorrel riverbank and in the older residential districts to the west, which "
                    "have mature trees and more green space.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    '<p>"Heat is not distributed evenly, and neither is the capacity to cope with it," said Dr '
                    'Yusuf Halberg, who led the research. "The neighbourhoods that get hottest also tend to have '
                    "older housing, more elderly residents living alone and fewer households with any form of "
                    'cooling."</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The city council said the findings would inform its tree-planting programme, which aims to "
                    "add 20,000 street trees over the next decade, along with new drought-tolerant planting that "
                    "needs little watering. Campaigners said the programme should <b>prioritise the hottest "
                    "districts</b> rather than distributing trees evenly across wards.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "the-last-shipwrights-of-the-old-harbour",
        "section": "video",
        "secondary_sections": [],
        "title": "The last shipwrights of Aldmere's Old Harbour",
        "standfirst": (
            "Only two traditional wooden boatyards remain in a district that once had dozens. Our short film "
            "spends a season with the people keeping the craft alive."
        ),
        "authors": ["marek-solberg"],
        "hours_ago": 230,
        "tags": ["Culture", "Aldmere", "Ports & Shipping"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 25,
        "image_caption": "Steaming larch planks for the hull of a restored herring drifter.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "embed",
                "https://www.youtube.com/watch?v=Hx2wTf6rJ0n",
                "The Last Shipwrights (15 minutes)",
            ),
            (
                "paragraph",
                (
                    "<p>A century ago, the Old Harbour in Aldmere was lined with boatyards building fishing "
                    "vessels, ferries and pleasure craft in oak and larch. Most closed in the decades after steel "
                    "and fibreglass hulls became standard, and the last new wooden fishing boat was launched from "
                    "the district more than forty years ago. Today just two yards remain, and between them they "
                    "employ nine people.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Our film follows master shipwright Greta Holm and her two apprentices through the "
                    "restoration of a herring drifter built in the 1930s, from steaming planks to caulking seams "
                    "with oakum and tar. Along the way, Holm reflects on what is lost when skills pass out of "
                    "living memory, and why she believes there is still a future for <i>working</i> wooden boats, "
                    "not only museum pieces.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The film was produced with support from the Aldmere Maritime Heritage Trust, which had no "
                    "editorial input. The restored drifter is due to be relaunched next summer, when it will join "
                    "the trust's small fleet of working heritage vessels sailing from the Old Harbour.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "housing-starts-fall-for-third-straight-quarter",
        "section": "economy",
        "secondary_sections": [],
        "title": "Housing starts fall for a third straight quarter",
        "standfirst": (
            "Construction of new homes in Kestria slowed again between July and September, with builders blaming "
            "high borrowing costs and slow planning decisions."
        ),
        "authors": ["priya-halloran", "ada-finnerty"],
        "hours_ago": 260,
        "tags": ["Housing", "Central Banks", "Kestria"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 18,
        "image_caption": "A stalled residential development in Aldmere's eastern docklands.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": 250,
        "update_note": "Updated to include a response from the Ministry of Housing.",
        "body": [
            (
                "paragraph",
                (
                    "<p>Construction began on 6,120 new homes in Kestria in the third quarter, down 9 percent from "
                    "the previous three months and 22 percent lower than a year earlier, according to figures "
                    "published on Wednesday by the national statistics office. It was the third consecutive "
                    "quarterly decline.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The fall was steepest in the private sector, where starts dropped by more than a quarter "
                    "compared with last year. Social and cooperative housing, which is less sensitive to interest "
                    "rates, held broadly steady.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Builders attributed the slowdown to <b>high borrowing costs</b>, which have made many "
                    "projects unviable at current sale prices, and to delays in the planning system. The Kestrian "
                    "Home Builders' Federation said the average time from application to approval for developments "
                    "of more than fifty homes had risen to fourteen months.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>In Aldmere, where the council has set a target of 4,000 new homes a year, just 610 homes "
                    "were started in the quarter. Housing campaigners said the figures showed the scale of the gap "
                    'between <a href="https://example.org/aldmere-council/housing-strategy">the city\'s '
                    "strategy</a> and reality on the ground.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The Ministry of Housing said in a statement that it expected activity to recover as "
                    "interest rates eventually fall, and that planning reforms due before the Assembly next year "
                    'would "remove unnecessary delays". It did not give a timetable.</p>'
                ),
            ),
        ],
    },
    {
        "slug": "the-quiet-military-build-up-on-the-halvany-frontier",
        "section": "analysis",
        "secondary_sections": ["world"],
        "title": "The quiet military build-up on the Halvany frontier",
        "standfirst": (
            "Satellite imagery and procurement records point to a steady expansion of bases on both sides of the "
            "border. Neither government wants to talk about it."
        ),
        "authors": ["jonah-whitcombe"],
        "hours_ago": 295,
        "tags": ["Security", "Kestria"],
        "staff_pick": True,
        "staff_pick_order": 4,
        "image_hue": 100,
        "image_caption": "New vehicle depots have appeared within fifty kilometres of the border on both sides.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Over the past three years, a series of modest announcements, each unremarkable on its own, "
                    "has added up to something more significant: a steady expansion of military infrastructure on "
                    "both sides of the border between Kestria and Halvany.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Commercial satellite images reviewed by the Ledger show new vehicle depots, expanded fuel "
                    "storage and at least two upgraded airstrips within fifty kilometres of the frontier. Public "
                    "procurement records on the Kestrian side list contracts for barracks refurbishment, radar "
                    "maintenance and road strengthening in the border districts worth an estimated 1.4 billion "
                    "crowns since the beginning of last year.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Neither government describes these moves as directed at the other. Kestria's defence "
                    "ministry characterises its spending as <i>routine modernisation</i> of long-neglected "
                    "facilities. Halvany's officials have said their investments are part of a national programme "
                    "with no regional focus. Both statements may be sincere. But defence planners on each side "
                    "are, by necessity, watching what the other is doing.</p>"
                ),
            ),
            (
                "heading",
                "A security dilemma in slow motion",
            ),
            (
                "paragraph",
                (
                    "<p>Analysts describe the dynamic as a classic <b>security dilemma</b>: measures taken by one "
                    "country to make itself safer are read by its neighbour as a potential threat, prompting a "
                    "response that in turn seems to confirm the first country's concerns. Nobody needs to intend "
                    "hostility for the cycle to continue.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    '<p>"What worries me is not any single decision, but the absence of channels to explain '
                    "them,\" said Arvid Lenhart, a retired colonel who served as Kestria's defence attache in "
                    'Halvany. "During the last decade we had regular meetings between border commanders. Those '
                    'stopped during the pandemic and were never restarted."</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Relations between the two countries remain broadly cordial. They trade extensively, and "
                    "disputes, when they arise, have usually been settled through ordinary diplomacy. Diplomats in "
                    "both capitals say privately that resuming military-to-military dialogue would be a low-cost "
                    "way to reduce the risk of misunderstanding. So far, neither side has proposed it publicly.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "regional-health-ministers-pool-vaccine-purchasing",
        "section": "world",
        "secondary_sections": [],
        "title": "Regional health ministers agree to pool vaccine purchasing",
        "standfirst": (
            "Five governments will negotiate jointly with manufacturers, a move officials say will cut costs and "
            "reduce the risk of shortages in smaller countries."
        ),
        "authors": ["jonah-whitcombe"],
        "hours_ago": 330,
        "tags": ["Science"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 160,
        "image_caption": (
            "The joint procurement office will begin with seasonal influenza and childhood immunisations."
        ),
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Health ministers from five countries around the northern gulf agreed on Thursday to "
                    "negotiate jointly with pharmaceutical manufacturers for routine and pandemic vaccines, in an "
                    "effort to secure lower prices and more reliable supply for a combined population of around 40 "
                    "million.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The agreement, signed at a meeting in Coriath's capital, creates a joint procurement "
                    "office that will begin with seasonal influenza and childhood immunisations before expanding "
                    "to other products. Each country will keep the right to opt out of individual contracts.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Smaller countries in the group have long complained that they end up at the back of the "
                    'queue when global supply is tight. "During the last pandemic, we were negotiating alone '
                    "against governments with ten times our population,\" said Kestria's health minister, Dr "
                    'Halvard Ness. "Together, we are a market that manufacturers cannot ignore."</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Public health experts welcomed the move but noted that similar arrangements elsewhere have "
                    "taken years to deliver savings, partly because of differences in national approval processes. "
                    "The ministers committed to work towards <b>mutual recognition of vaccine approvals</b> by the "
                    "end of next year.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "transit-authority-proposes-overnight-trams",
        "section": "news",
        "secondary_sections": [],
        "title": "Transit authority proposes overnight tram service on two lines",
        "standfirst": (
            "A twelve-month trial would run trams every 30 minutes through the night on the Harbour and University "
            "lines, starting next spring."
        ),
        "authors": ["ada-finnerty"],
        "hours_ago": 380,
        "tags": ["Transport", "Aldmere"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 300,
        "image_caption": "The Harbour line connects the port with the city centre.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Aldmere's transit authority has proposed running trams through the night on two of the "
                    "city's busiest lines, in what would be the first regular overnight public transport service "
                    "in the city's history.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Under the plan, published on Monday for public consultation, trams would run every 30 "
                    "minutes between midnight and 5am on the Harbour line, which connects the port and the city "
                    "centre, and the University line, which serves the main campus and the western residential "
                    "districts. The trial would begin next spring and last twelve months.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The authority estimates the trial would cost around 6 million crowns, partly offset by "
                    "fares. It said demand was being driven by <b>shift workers</b> at the port and the city's two "
                    "hospitals, as well as by a growing late-night economy in the centre.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    '<p>"Thousands of people in this city start or finish work in the middle of the night, and '
                    'right now most of them have no choice but to drive or take a taxi," said Pieter Vanlande, '
                    "the authority's chief executive.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The consultation runs for eight weeks. Residents along the routes have raised concerns "
                    "about noise, and the authority said it would consider restricting the use of bells and "
                    "reducing speeds in residential sections during overnight hours.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "drought-is-now-a-planning-problem",
        "section": "opinion",
        "secondary_sections": [],
        "title": "Drought is now a planning problem, not a weather event",
        "standfirst": (
            "Aldmere keeps treating dry summers as emergencies to be managed. It is time to plan for them as the "
            "new normal."
        ),
        "authors": ["ines-calder"],
        "hours_ago": 440,
        "tags": ["Water", "Climate", "Aldmere"],
        "staff_pick": True,
        "staff_pick_order": 5,
        "image_hue": 35,
        "image_caption": "The Sorrel river supplies most of Aldmere's drinking water.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>For the third summer in five, Aldmere has imposed restrictions on household water use. For "
                    "the third time, officials have described the situation as exceptional, urged residents to "
                    "take shorter showers, and expressed hope that autumn rain will restore the Sorrel to normal "
                    "levels.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>At some point, a pattern stops being exceptional. The university's hydrologists have been "
                    "warning for years that the Sorrel's catchment is getting drier, with less winter snow and "
                    "more frequent spring droughts. The city's own <a "
                    'href="https://example.org/aldmere-water/long-term-resource-plan">long-term water resource '
                    "plan</a> acknowledges the trend. Yet the response each year looks remarkably like the year "
                    "before.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>What would planning for drought look like? It would start with leakage. Aldmere Water "
                    "loses an estimated 23 percent of the water it treats through leaking pipes, a figure that has "
                    "barely moved in a decade. Fixing it is unglamorous and expensive, but every litre saved is a "
                    "litre that does not need to be taken from a struggling river.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>It would also mean <b>building water efficiency into new homes</b> through building codes, "
                    "investing in the reuse of treated wastewater for industry and parks, and being honest with "
                    "large industrial users about the limits they may face in dry years, so they can plan "
                    "accordingly.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>None of this is new. Cities in drier climates have been doing it for decades. The question "
                    "for Aldmere is whether it will start before the next dry summer, or wait, as it has done "
                    "before, <i>for the rain</i>.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "aldmere-tech-start-ups-face-tighter-funding",
        "section": "economy",
        "secondary_sections": [],
        "title": "Aldmere's tech start-ups face a tighter funding market",
        "standfirst": (
            "Venture investment in the city fell by nearly half last year. Founders say the money that remains is "
            "going to fewer, later-stage companies."
        ),
        "authors": ["priya-halloran"],
        "hours_ago": 520,
        "tags": ["Technology", "Central Banks", "Aldmere"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 250,
        "image_caption": "Several start-ups have moved into converted warehouses in the Old Harbour.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Venture capital investment in Aldmere's technology start-ups fell by 46 percent last year, "
                    "according to data compiled by the city's innovation agency, as higher interest rates and a "
                    "cooling global market made investors more cautious.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Companies based in the city raised a total of 210 million crowns, down from 390 million "
                    "the year before. The number of deals fell less sharply, suggesting that investors were still "
                    "backing companies but writing smaller cheques.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Founders said the money that remains is concentrated in later-stage firms with proven "
                    'revenues. "Two years ago, you could raise a seed round with a slide deck and a prototype," '
                    "said Leila Marchetti-Holm, co-founder of a logistics software company based in the Old "
                    'Harbour. "Now investors want to see paying customers and a clear path to profitability '
                    'before they will even take a meeting."</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The slowdown has hit hardest in consumer apps and <i>fintech</i>, while companies working "
                    "on maritime logistics, energy software and industrial automation have fared relatively "
                    "better, reflecting the city's strengths in shipping and manufacturing.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The innovation agency said it would expand a co-investment fund that matches private money "
                    "for early-stage companies. Critics said the fund's current size, around 15 million crowns a "
                    "year, was <b>too small to make a meaningful difference</b>.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "watch-assembly-data-protection-debate",
        "section": "video",
        "secondary_sections": [],
        "title": "Watch: The Assembly's data protection debate in five minutes",
        "standfirst": (
            "Lawmakers spent eleven hours debating a bill that would reshape how companies and public agencies "
            "handle personal data. We condensed the key exchanges."
        ),
        "authors": ["marek-solberg", "tomas-varga"],
        "hours_ago": 620,
        "tags": ["Technology", "Security"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 275,
        "image_caption": "More than forty members spoke during the debate on the Personal Data Protection Bill.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "embed",
                "https://www.youtube.com/watch?v=Tr8cZp1Nw5d",
                "The data protection bill debate, condensed",
            ),
            (
                "paragraph",
                (
                    "<p>The Assembly's debate on the Personal Data Protection Bill ran late into Tuesday night, "
                    "with more than forty speakers and a series of close votes on amendments covering biometric "
                    "data, data sharing between government agencies, and fines for companies that fail to report "
                    "breaches. Several coalition members broke with their own parties on the biometric amendments, "
                    "a sign of how contentious the issue has become.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>In this video, Tomas Varga walks through the five exchanges that mattered most, including "
                    "the narrow defeat of an amendment that would have required <b>independent audits</b> of any "
                    "government system processing biometric information, an issue that has drawn attention as the "
                    "government prepares to launch a national digital identity app.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The bill now moves to the Assembly's legal affairs committee for detailed scrutiny before "
                    "a final vote, expected early next year. Civil liberties groups have said they will press for "
                    "the audit amendment to be reintroduced at that stage.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "a-decade-of-automation-at-the-port",
        "section": "analysis",
        "secondary_sections": [],
        "title": "A decade of automation at the port, and the jobs it changed",
        "standfirst": (
            "Automated cranes and terminal software have transformed how Aldmere handles cargo. Fewer jobs "
            "disappeared than feared, but the work itself changed more than expected."
        ),
        "authors": ["tomas-varga"],
        "hours_ago": 760,
        "tags": ["Ports & Shipping", "Labour", "Technology"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 205,
        "image_caption": "Remote crane operators now work from a control building set back from the quay.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Ten years ago, the Port of Aldmere installed its first remotely operated ship-to-shore "
                    "crane. Today, about half of the container terminal's cranes are controlled from a building "
                    "set back from the quay, and a software system allocates berths, schedules lorries and tracks "
                    "every box from ship to gate.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>At the time, the Harbour Workers' Union warned that automation could eliminate as many as "
                    "1,500 jobs. The outcome has been more complicated. Employment at the container terminals has "
                    "fallen by about 400 over the decade, according to port authority figures, while throughput "
                    "has risen by more than 30 percent.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The bigger change has been in the <i>kind</i> of work. Roles for lashers and "
                    "straddle-carrier drivers have declined; jobs for remote crane operators, maintenance "
                    "technicians and IT staff have grown. Many workers made the transition through a retraining "
                    "programme run jointly by the union and the port. Others, particularly older workers, took "
                    "early retirement or left the industry.</p>"
                ),
            ),
            (
                "pull_quote",
                "You lose something, even when the job is better.",
                "Dario Vennick",
            ),
            (
                "paragraph",
                (
                    '<p>"The crane cab was cold and noisy, and nobody misses that," said Dario Vennick, who '
                    'worked as a crane driver for nineteen years before retraining as a remote operator. "But '
                    "there was a community on the quay that does not exist in the same way in a control room. You "
                    'lose something, even when the job is better."</p>'
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The next phase of automation, including automated stacking cranes and driverless vehicles "
                    "inside the terminal, is likely to be more disruptive, which is why the union is pushing for a "
                    "<b>formal say</b> over how it is introduced. Research from other harbours suggests that the "
                    "way automation is negotiated matters at least as much as the technology itself, as <a "
                    'href="https://example.org/research/port-automation-and-labour">a comparative study of '
                    "twelve northern ports</a> concluded last year.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "varenland-new-government-faces-energy-test",
        "section": "world",
        "secondary_sections": [],
        "title": "Varenland's new government faces an early test on energy prices",
        "standfirst": (
            "Weeks after taking office, the coalition led by the Progressive Union must decide whether to extend a "
            "household price cap that expires at the end of the year."
        ),
        "authors": ["jonah-whitcombe"],
        "hours_ago": 1000,
        "tags": ["Energy", "Elections"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 55,
        "image_caption": "Varenland's household electricity price cap is due to expire at the end of the year.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Varenland's new government, sworn in less than a month ago, faces its first major policy "
                    "decision sooner than expected: whether to extend a cap on household electricity prices that "
                    "is due to expire at the end of the year.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The cap, introduced by the previous administration during the energy price spike two "
                    "winters ago, limits the unit price that suppliers can charge residential customers, with the "
                    "state compensating them for the difference. It has cost the treasury roughly 1.5 percent of "
                    "national output a year, according to the country's finance ministry.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The coalition agreement between the Progressive Union and its two junior partners commits "
                    'to "a fair and gradual transition" away from universal subsidies but gives no details. '
                    "Ministers are under pressure from both sides: business groups want the money redirected to "
                    "investment, while consumer organisations warn that a <b>sudden end to the cap</b> would raise "
                    "typical bills by more than a fifth.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The decision is being watched closely in neighbouring countries, including Kestria, which "
                    'faces a similar debate over its own energy tariff subsidy. "Whatever Varenland does will '
                    'become the reference point for everyone else in the region," said Freya Solnes, an energy '
                    "economist who advises several governments around the gulf.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "introducing-the-meridian-ledger",
        "section": "news",
        "secondary_sections": [],
        "title": "Introducing The Meridian Ledger",
        "standfirst": (
            "A new independent newsroom for Kestria and the northern gulf, funded by its readers and answerable to "
            "them."
        ),
        "authors": ["helena-marsh"],
        "hours_ago": 1420,
        "tags": ["Culture"],
        "staff_pick": False,
        "staff_pick_order": None,
        "image_hue": 220,
        "image_caption": "The Ledger's newsroom is a short walk from the Old Harbour.",
        "image_credit": "Illustration: Meridian Ledger",
        "source": None,
        "original_author": "",
        "original_url": "",
        "updated_hours_ago": None,
        "update_note": "",
        "body": [
            (
                "paragraph",
                (
                    "<p>Today we are publishing the first stories from The Meridian Ledger, an independent "
                    "newsroom covering Kestria, the port city of Aldmere and the wider northern gulf.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Our aim is simple to state and hard to do: to report carefully on the institutions, "
                    "markets and decisions that shape daily life in this region, and to explain them clearly. We "
                    "will cover city hall and the Assembly, energy and the economy, trade and security, science "
                    "and culture. We will publish analysis alongside news, and we will label opinion <i>clearly as "
                    "opinion</i>.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>We are funded by our readers. We do not accept money from political parties, and we will "
                    "disclose any grant or sponsorship that supports specific coverage. When we get something "
                    "wrong, we will correct it promptly and say so <b>at the top of the article</b>, not hidden at "
                    "the bottom.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>We are starting small: seven journalists, a modest office near the Old Harbour and a long "
                    "list of questions. If you would like to help us grow, you can <a "
                    'href="https://www.patreon.com/meridianledger">become a supporter</a>. And if you have a '
                    "story we should be looking into, we would like to hear from you.</p>"
                ),
            ),
        ],
    },
]

# Readers' comments under a few articles, so a newcomer sees lively threads at once. Each
# comment: a key, the key of the comment it answers (None: a new thread), the reader,
# minutes after the article was published, the text, and how many readers liked it.
# "staff" marks a newsroom reply (published with the badge); "pending" one that waits
# in the moderation queue.
DISCUSSIONS = [
    {
        "article": "the-long-unravelling-of-kestrias-energy-bargain",
        "comments": [
            (
                "tariff",
                None,
                "Orla Brandt",
                "orla.brandt@example.org",
                14,
                "The part about the 2019 tariff freeze is what nobody in the Assembly wants to talk about. "
                "We were all happy to pay less then, and now the bill has arrived with interest.",
                23,
            ),
            (
                "tariff-reply",
                "tariff",
                "Kemal Arslan",
                "kemal.arslan@example.net",
                22,
                "Happy? Most of us were never asked. The freeze was announced a week before an election.",
                9,
            ),
            (
                "tariff-reply-2",
                "tariff-reply",
                "Orla Brandt",
                "orla.brandt@example.org",
                31,
                'Fair. "Happy" was the wrong word. Relieved, maybe, and not curious enough about the price.',
                4,
            ),
            (
                "grid",
                None,
                "Sander Vos",
                "s.vos@example.com",
                26,
                "I work on the transmission side. The article is right that the interconnector was sized for "
                "a different decade. Upgrading it is slow work, not something a ministry can announce into being.\n\n"
                "The operator's own capacity statement is public: https://example.org/grid/capacity-statement",
                31,
            ),
            (
                "grid-reply",
                "grid",
                "Ines Calder",
                "",
                40,
                "Thank you, this is useful. We read the same statement for the piece; a follow-up on the "
                "interconnector timetable is on our list.",
                12,
                "staff",
            ),
            (
                "grid-reply-2",
                "grid-reply",
                "Sander Vos",
                "s.vos@example.com",
                47,
                "Happy to talk to your reporter off the record about how long the permits actually take.",
                6,
            ),
            (
                "question",
                None,
                "Mina Ruud",
                "mina.ruud@example.org",
                55,
                "Honest question: does any of this change what I pay next winter, or is it all about 2030?",
                2,
            ),
            (
                "question-reply",
                "question",
                "Petra Lind",
                "petra.lind@example.net",
                61,
                "The standing charge goes up in October either way. The rest depends on how the review lands.",
                5,
            ),
            (
                "sceptic",
                None,
                "harbourwatcher",
                "harbourwatcher@example.com",
                70,
                "Every few years we get a long read like this and then nothing changes. Still, a good one.",
                1,
            ),
            (
                "new-reader",
                None,
                "Tobias Keel",
                "tobias.keel@example.org",
                90,
                "First time commenting. Could you publish the ministry's figures next to the article? "
                "I would like to check the sums myself.",
                0,
                "pending",
            ),
        ],
    },
    {
        "article": "aldmere-port-workers-accept-revised-contract",
        "comments": [
            (
                "dock",
                None,
                "Ruth Okafor",
                "ruth.okafor@example.com",
                35,
                "My brother is on the night shift at the container terminal. Three weeks without pay is a long "
                "time, and the ballot was closer than the headline makes it sound.",
                17,
            ),
            (
                "dock-reply",
                "dock",
                "Lars Meyer",
                "lars.meyer@example.net",
                48,
                "The union's own count was 61 to 39, which is not that close. But I take the point about the weeks.",
                3,
            ),
            (
                "shifts",
                None,
                "Dana Costa",
                "dana.costa@example.org",
                80,
                "What happens to the shift rota? That was the actual sticking point, not the pay rise.",
                8,
            ),
            (
                "shifts-reply",
                "shifts",
                "Ada Finnerty",
                "",
                95,
                "The rota goes to a joint committee that reports in the spring. We have asked both sides for the "
                "terms and will add them to the story.",
                10,
                "staff",
            ),
            (
                "shops",
                None,
                "Bea Lindqvist",
                "bea.l@example.com",
                150,
                "Glad it's over. The shops on Quay Street were half empty for most of this month.",
                4,
            ),
        ],
    },
    {
        "article": "aldmere-extends-water-restrictions-sorrel-record-low",
        "comments": [
            (
                "hosepipe",
                None,
                "Felix Novak",
                "felix.novak@example.org",
                60,
                "Fine by me, but the golf course two streets over was green all summer. Do the rules apply to them?",
                27,
            ),
            (
                "hosepipe-reply",
                "hosepipe",
                "Yara Haddad",
                "yara.haddad@example.net",
                75,
                "They draw from their own borehole, which is its own scandal.",
                11,
            ),
            (
                "hosepipe-reply-2",
                "hosepipe-reply",
                "Felix Novak",
                "felix.novak@example.org",
                88,
                "Same aquifer though, surely?",
                7,
            ),
            (
                "farm",
                None,
                "Jonas Barros",
                "jonas.barros@example.com",
                130,
                "We farm forty hectares upstream of the weir. The river has never been this low in my lifetime, "
                "and my father's notes go back to the sixties.",
                19,
            ),
        ],
    },
    {
        "article": "transit-authority-proposes-overnight-trams",
        "comments": [
            (
                "nurse",
                None,
                "Aino Dahl",
                "aino.dahl@example.org",
                200,
                "Nurses on the late shift have been asking for this for years. A taxi home costs a third of a night's pay.",
                14,
            ),
            (
                "noise",
                None,
                "Hugo Marino",
                "hugo.marino@example.net",
                260,
                "I live on the line 4 route. Will the trams be quieter at night, or do we just get used to it?",
                2,
            ),
            (
                "noise-reply",
                "noise",
                "Aino Dahl",
                "aino.dahl@example.org",
                300,
                "The newer cars are much quieter than the old ones; the depot says only those would run at night.",
                6,
            ),
        ],
    },
]
