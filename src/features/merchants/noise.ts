// What bank descriptions wrap a merchant name in, as tables the cleaner applies in named steps.
// Patterns run on the upper-cased description (accents kept, so the display name keeps them);
// word sets are compared in key space (keyOf), where accents are folded.

// ASCII classes without the /u flag: these scan every position of every description, and
// Unicode-aware classes make them several times slower; dates and phones are ASCII anyway.
const months = String.raw`(?:JAN(?:UARY)?|FEB(?:RUARY)?|MAR(?:CH)?|MRZ|APR(?:IL)?|MAY|MAI|JUNE?|JULY?|AUG(?:UST)?|SEPT?(?:EMBER)?|OCT(?:OBER)?|OKT|NOV(?:EMBER)?|DEC(?:EMBER)?|DEZ)\.?(?![A-Za-z])`;
const time = String.raw`\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?: ?[AP]M(?![A-Za-z]))?`;
const numericDate = String.raw`\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?(?:[ /T-]${time})?`;
const isoDate = String.raw`\d{4}-\d{2}-\d{2}(?:T${time}(?:Z|[+-]\d{2}:?\d{2})?)?`;
const dayMonth = String.raw`\d{1,2}[ -]?${months}(?:[ -]?\d{2,4})?`;
const monthDay = String.raw`${months} ?\d{1,2}(?:,? \d{4})?`;

/**
 * Dates and times anywhere ("11/03", "12.03.24/14.25", "2024-03-12T14:25:00", "12MAR24", "MAR 12").
 * The little word before them ("ON", "UM", "LE") is left to the trailing-word step.
 */
export const datesAndTimes = new RegExp(
  String.raw`(?<![A-Za-z0-9])(?:${isoDate}|${numericDate}|${dayMonth}|${time})(?![0-9])|(?<![A-Za-z])${monthDay}(?![0-9])`,
  'g',
);

/** US, UK and international phone numbers ("866-579-7172", "(800) 555 1234", "+44 20 7946 0958", "0345 600 1234"). */
export const phoneNumbers = new RegExp(
  String.raw`(?<![A-Za-z0-9])(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![0-9])|\+\d{2}(?:[ .-]?\d){7,12}(?![0-9])|(?<![A-Za-z0-9])0[1-9]\d{2,3} \d{3} ?\d{3,4}(?![0-9])`,
  'g',
);

/** SEPA structured remittance (German "EREF+…", "MREF+…", "CRED+…"): the tag and its one-word value. */
export const sepaReferenceFields = /(?<![\p{L}\p{N}])(?:EREF|MREF|CRED|KREF|IBAN|BIC|PURP|COAM|OAMT|SQTP|DEBT|ABWE|BREF|RREF)\+\S*/gu;
/**
 * SEPA free-text fields: "SVWZ+" (purpose) and "ABWA+" (deviating payer) become words the cleaner
 * cuts a name at, so a name before them stays clean while payroll keywords inside them still count.
 */
export const sepaTextFields = /(?<![\p{L}\p{N}])(SVWZ|ABWA)\+/gu;

/** Dutch/ABN AMRO structured lines ("/TRTP/iDEAL/IBAN/…/NAME/BOL.COM/REMI/…"): the name and the remittance. */
export const slashFieldName = /\/NAME\/([^/]*)/u;
export const slashFieldRemittance = /\/REMI\/([^/]*)/u;
/** Dutch and English labelled lines ("Naam: VATTENFALL KLANTEN BV Omschrijving: …"). */
export const labelledName = /(?:^|\s)(?:NAAM|NAME):\s*(.+?)(?=\s+(?:OMSCHRIJVING|MACHTIGING|IBAN|KENMERK|BIC|INCASSANT|VALUTADATUM|REFERENCE|REF):|$)/u;
export const labelledRemittance = /(?:^|\s)OMSCHRIJVING:\s*(.+?)(?=\s+(?:IBAN|KENMERK|BIC|MACHTIGING|VALUTADATUM|NAAM):|$)/u;

const umlautU = '(?:Ü|UE|U)';
const eAccent = '(?:E|É|È)';

/** Transaction-type words banks print before the merchant, by country. */
const transactionTypes = [
  // US card, POS and ACH
  // "ON" is optional: the date step may already have taken "ON 11/03".
  '(?:PURCHASE|RECURRING PAYMENT|PURCHASE RETURN|PURCHASE INTL|NON-WF ATM WITHDRAWAL) AUTHORIZED(?: ON)?',
  'RECURRING CARD PURCHASE', 'CARD PURCHASE WITH PIN', 'CARD PURCHASE RETURN', 'CARD PURCHASE',
  'DEBIT CARD PURCHASE', 'DEBIT CARD PURCH', 'DEBIT CARD', 'DEBIT PURCHASE(?: -? ?VISA)?',
  'POS (?:DEBIT|PURCHASE|PURCH|PUR|WITHDRAWAL|REFUND|SIG|PIN|TRANSACTION)', 'POS', 'PIN PURCHASE',
  'CHECKCARD(?: \\d{4})?', 'CHECK CARD(?: \\d{4})?', 'CHKCARD(?: \\d{4})?', 'VISA DDA PUR(?:CHASE)?(?: \\d+)?', 'VISA PURCHASE',
  'DBT CRD(?: \\d+)?', 'DDA PURCHASE', 'PURCHASE(?: \\d{4})?', 'RECURRING',
  'ACH (?:DEBIT|CREDIT|WITHDRAWAL|DEPOSIT|PMT|PAYMENT|TRANSFER)', 'ACH',
  'PRE-?AUTHORIZED (?:DEBIT|CREDIT)', 'ELECTRONIC (?:WITHDRAWAL|PAYMENT|DEBIT|DEPOSIT)', 'EXTERNAL (?:WITHDRAWAL|DEPOSIT)',
  'WITHDRAWAL', 'DEPOSIT', 'ONLINE BILL PAY(?:MENT)?(?: TO)?', 'BILL PAY(?:MENT)?(?: TO| FROM)?',
  'APPLE PAY', 'APLPAY', 'GOOGLE PAY', 'SALE', 'DEBIT',
  // UK
  'CARD PAYMENT TO', 'CARD PAYMENT', 'CONTACTLESS PAYMENT', 'CONTACTLESS',
  'DIRECT DEBIT PAYMENT TO', 'DIRECT DEBIT PAYMENT', 'DIRECT DEBIT TO', 'DIRECT DEBIT', 'DD',
  'FASTER PAYMENTS? (?:RECEIVED FROM|SENT TO|TO|FROM)', 'FASTER PAYMENTS?', 'STANDING ORDER(?: TO)?',
  'FPO', 'FPI', 'BGC', 'BACS(?: CREDIT)?', 'DEB', 'VIS', 'TFR',
  // Germany
  'KARTENZAHLUNG(?: GIROCARD)?', 'GIROCARD', 'EC-?KARTENZAHLUNG', 'VISA DEBITKARTENUMSATZ', 'DEBITKARTENUMSATZ',
  'SEPA[- ]ELV[- ]LASTSCHRIFT', 'ELV[- ]LASTSCHRIFT', 'SEPA[- ]BASISLASTSCHRIFT', 'SEPA[- ]LASTSCHRIFT', 'FOLGELASTSCHRIFT',
  'ERSTLASTSCHRIFT', 'LASTSCHRIFT', `(?:SEPA|ECHTZEIT|ONLINE)[- ]${umlautU}BERWEISUNG`, `${umlautU}BERWEISUNG`,
  'SEPA[- ]GUTSCHRIFT', 'GUTSCHRIFT', 'DAUERAUFTRAG', 'ABBUCHUNG', 'SEPA DIRECT DEBIT', 'SEPA CREDIT TRANSFER', 'SVWZ', 'ABWA',
  // Netherlands
  'BEA(?:,? (?:APPLE PAY|GOOGLE PAY|BETAALPAS))?', 'GEA', 'BETAALAUTOMAAT', 'BETAALPAS', 'SEPA IDEAL', 'IDEAL(?: BETALING)?',
  'SEPA INCASSO(?: ALGEMEEN)?(?: DOORLOPEND| EENMALIG)?', 'EUROPESE INCASSO', 'INCASSO', 'SEPA OVERBOEKING', 'OVERBOEKING',
  'ONLINE BANKIEREN', 'ACCEPTGIRO',
  // France
  'PAIEMENT PAR CARTE(?: BANCAIRE)?', 'PAIEMENT CB', 'PAIEMENT CARTE', 'ACHAT CB', 'ACHAT CARTE', 'FACTURE CARTE(?: DU \\d{6})?',
  'CARTE(?: X+\\d{4}| \\d{4})?', 'CB', 'PRLV SEPA', 'PRLV', `PR${eAccent}L${eAccent}VEMENT(?: SEPA)?(?: EUROP${eAccent}EN)?`,
  `VIR(?:EMENT)?(?: SEPA)?(?: RECU| RE[CÇ]U| EMIS| INST(?:ANTAN${eAccent})?)?(?:[ /]+(?:DE|VERS|POUR))?`,
  // Spain, Italy, Portugal
  'PAGO (?:CON )?TARJETA', 'COMPRA (?:CON )?TARJETA', 'COMPRA TARJ', 'PAGAMENTO (?:POS|CARTA|BANCOMAT)', 'ACQUISTO (?:POS|CARTA)',
  'COMPRA', 'PAGAMENTO',
  'SEPA',
];

/**
 * A terminal or card number right after a transaction type ("POS 123 …"). Three digits at least:
 * brands begin with shorter ones ("24 HOUR FITNESS", "76").
 */
export const numberAfterType = /^\d{3,}(?![\p{L}\p{N}&.'-])[\s:;,./*#-]*/u;

/** Payment processors and platforms that prefix the real merchant ("SQ *MARIAS TACOS", "PAYPAL *NETFLIX"). */
const processorPrefixes = [
  'SQ', 'SQU', 'TST', 'PAYPAL', 'PP', 'DOORDASH', 'DD', 'GRUBHUB', 'SP', 'SUMUP', 'IZ', 'ZETTLE_?', 'IZETTLE', 'CRV', 'FS',
  '2CO', 'PADDLE\\.NET', 'WPY', 'CKO', 'PY', 'IC', 'CLV', 'TOAST', 'CLOVER', 'CCV',
];

/** Masked card numbers, card and terminal markers before the name ("XXXX1234", "CARD 1234", "NR:6U5X01", "PAS 123"). */
const leadingMarkers = [
  'X{2,}\\d*(?!\\p{L})', 'X\\d{4}(?!\\p{L})', '\\*{2,}\\d*', 'CARD(?: ENDING(?: IN)?)? ?X*\\d{4}', 'KARTE \\d+', 'PAS(?:NR)?\\.? ?\\d+', 'NR[:.] ?[\\p{L}\\p{N}]+', 'NR ?\\d+',
  '#\\d+', '\\d{4,}(?!\\p{L})',
];

/**
 * Everything that can stand before the merchant, anchored at the start: transaction types (as
 * whole words), processor prefixes (only when a name follows the "*"), leading dates, times and
 * card markers, and the separators after them. The cleaner applies it until nothing changes.
 */
export const leadingNoise = new RegExp(
  `^(?:(?:${transactionTypes.join('|')})(?![\\p{L}\\p{N}])|(?:${processorPrefixes.join('|')}) ?\\*(?=\\s*[\\p{L}\\p{N}])|` +
    `(?:${isoDate}|${numericDate}|${dayMonth}|${monthDay}|${time})(?![0-9])|(?:${leadingMarkers.join('|')}))[\\s:;,./*#-]*`,
  'u',
);

/** Leading separators and symbols ("))) " contactless marks, "- ", "* "). */
export const leadingSymbols = /^[^\p{L}\p{N}]+/u;

/** What splits a description into words; ".", "-", "'" and "&" stay inside words ("NETFLIX.COM", "COCA-COLA"). */
export const wordSeparators = /[\s*,;:/()[\]{}"|=_~!?<>\\^`$%@#]+/;

/** A web address after the name ("GOSQ.COM", "HELP.UBER.COM", "WWW.EXAMPLE.DE"): the rest is contact data. */
export const webAddress = /^WWW\.|\.(?:COM|NET|ORG|CO|IO|DE|NL|FR|UK|EU|BE|IE)(?:\.|$)/;

/** Words after which the rest of a description is reference data (key space, first word of a token). */
export const cutWords = new Set([
  'REF', 'REFERENCE', 'REFNR', 'DES', 'INDN', 'ID', 'PPD', 'CCD', 'CTX', 'TEL', 'TRACE', 'TRN', 'TXN', 'AUTH', 'CONF',
  'CONFIRMATION', 'INV', 'INVOICE', 'EREF', 'MREF', 'KREF', 'SVWZ', 'ABWA', 'MANDAT', 'MANDATE', 'MANDATSREF', 'MANDATSREFERENZ',
  'GLAUBIGER', 'GLAEUBIGER', 'GLAUBIGER ID', 'GLAEUBIGER ID', 'KUNDENNR', 'KUNDENNUMMER', 'KUNDENREFERENZ', 'RECHNUNG', 'RECHNUNGSNR', 'VERTRAG', 'VERTRAGSNR',
  'BELEG', 'FACTURE', 'ECH', 'MDT', 'EMETTEUR', 'MOTIF', 'KENMERK', 'OMSCHRIJVING', 'MACHTIGING', 'BETALINGSKENMERK', 'REMI',
  'TERMINAL', 'PAS', 'PASNR', 'PASVOLGNR', 'TRANSACTIE', 'CARD', 'KARTE', 'KARTENNR', 'CARTE', 'FOLGENR', 'VERFALLD', 'IBAN',
  'BIC', 'KFN', 'DEBITK', 'ACCT', 'ACCOUNT', 'RATE', 'GBP', 'EUR', 'USD',
]);

/** Labels of the number that follows them ("STORE 12345", "FIL. 123"): dropped with the number. */
export const numberLabels = new Set(['STORE', 'STR', 'FIL', 'FILIALE', 'NO', 'NR', 'NUM', 'UNIT', 'LOC', 'LOCATION', 'TERMINAL', 'T']);

/** Words left dangling at the end once a date, number or reference is cut ("… ON", "… CD", "… FIL"). */
export const trailingNoiseWords = new Set([
  'ON', 'AT', 'AM', 'UM', 'LE', 'DU', 'OP', 'VOM', 'CD', 'CARD', 'KARTE', 'CARTE', 'PAS', 'NO', 'NR', 'NUM', 'FIL', 'FILIALE',
  '&', 'AND', 'UND', 'ET', 'EN', 'WWW', 'DES', 'VIA', 'TO', 'FROM', 'POS',
]);

/** Company legal forms, which end a name ("LLC", "GMBH", "B.V.", "S.A.R.L."): what follows them is a place or a reference. */
export const legalForms = new Set([
  'LLC', 'L L C', 'INC', 'INCORPORATED', 'LTD', 'LIMITED', 'PLC', 'CORP', 'CORPORATION', 'LLP', 'LP', 'GMBH', 'G M B H', 'AG',
  'KG', 'OHG', 'UG', 'EK', 'E K', 'EV', 'E V', 'GBR', 'BV', 'B V', 'NV', 'N V', 'VOF', 'SA', 'S A', 'SAS', 'S A S', 'SARL',
  'S A R L', 'SRL', 'SE', 'SL',
]);

/** Country codes and names banks append after the city. */
export const countries = new Set([
  'US', 'USA', 'GB', 'GBR', 'UK', 'DE', 'DEU', 'NL', 'NLD', 'FR', 'FRA', 'IE', 'IRL', 'ES', 'ESP', 'IT', 'ITA', 'BE', 'BEL', 'AT',
  'AUT', 'CH', 'CHE', 'LU', 'LUX', 'PT', 'PRT', 'SE', 'SWE', 'DK', 'DNK', 'NO', 'NOR', 'FI', 'FIN', 'PL', 'POL', 'CZ', 'CZE',
  'GERMANY', 'DEUTSCHLAND', 'NETHERLANDS', 'NEDERLAND', 'FRANCE', 'UNITED KINGDOM', 'GREAT BRITAIN', 'IRELAND', 'SPAIN', 'ITALY',
  'BELGIUM', 'BELGIE', 'AUSTRIA', 'OSTERREICH', 'SWITZERLAND', 'SCHWEIZ',
]);

/** US state and territory codes. */
export const usStates = new Set([
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME', 'MD',
  'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD',
  'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY', 'PR',
]);

/** Large US, UK and EU cities (key space), which descriptions append after the merchant. */
const cityNames = [
  // US
  'NEW YORK', 'NEW YORK CITY', 'NYC', 'BROOKLYN', 'QUEENS', 'BRONX', 'MANHATTAN', 'LOS ANGELES', 'CHICAGO', 'HOUSTON', 'PHOENIX',
  'PHILADELPHIA', 'SAN ANTONIO', 'SAN DIEGO', 'DALLAS', 'SAN JOSE', 'AUSTIN', 'JACKSONVILLE', 'FORT WORTH', 'COLUMBUS',
  'CHARLOTTE', 'SAN FRANCISCO', 'INDIANAPOLIS', 'SEATTLE', 'DENVER', 'WASHINGTON', 'BOSTON', 'EL PASO', 'NASHVILLE', 'DETROIT',
  'OKLAHOMA CITY', 'PORTLAND', 'LAS VEGAS', 'MEMPHIS', 'LOUISVILLE', 'BALTIMORE', 'MILWAUKEE', 'ALBUQUERQUE', 'TUCSON', 'FRESNO',
  'SACRAMENTO', 'MESA', 'KANSAS CITY', 'ATLANTA', 'OMAHA', 'COLORADO SPRINGS', 'RALEIGH', 'MIAMI', 'OAKLAND', 'MINNEAPOLIS',
  'TULSA', 'CLEVELAND', 'WICHITA', 'ARLINGTON', 'NEW ORLEANS', 'TAMPA', 'HONOLULU', 'ANAHEIM', 'PITTSBURGH', 'CINCINNATI',
  'ST LOUIS', 'SAINT LOUIS', 'ORLANDO', 'BERKELEY', 'PALO ALTO', 'SANTA MONICA', 'PASADENA', 'IRVINE', 'LONG BEACH',
  'JERSEY CITY', 'NEWARK', 'SALT LAKE CITY', 'RICHMOND', 'MADISON', 'BOISE', 'SPOKANE', 'ANN ARBOR', 'CAMBRIDGE', 'SOMERVILLE',
  'HOBOKEN', 'SCOTTSDALE', 'PLANO', 'IRVING', 'SANTA CLARA', 'SUNNYVALE', 'MOUNTAIN VIEW', 'REDMOND', 'BELLEVUE', 'LOS GATOS',
  'CUPERTINO', 'ST PAUL', 'SAINT PAUL', 'FORT LAUDERDALE', 'ST PETERSBURG', 'BUFFALO', 'ROCHESTER', 'HARTFORD', 'PROVIDENCE',
  'LEXINGTON', 'STOCKTON', 'CORPUS CHRISTI', 'RIVERSIDE', 'SANTA ANA', 'LINCOLN', 'GREENSBORO', 'DURHAM', 'CHANDLER', 'GILBERT',
  'GLENDALE', 'RENO', 'NORFOLK', 'CHESAPEAKE', 'GARLAND', 'LUBBOCK', 'LAREDO', 'BATON ROUGE', 'BIRMINGHAM', 'DES MOINES',
  'SPRINGFIELD', 'TACOMA', 'FREMONT', 'SAN BERNARDINO', 'MODESTO', 'FONTANA', 'OXNARD', 'HUNTINGTON BEACH', 'AURORA',
  'YONKERS', 'KNOXVILLE', 'WORCESTER', 'ALEXANDRIA', 'BURBANK', 'BOULDER', 'TEMPE', 'OVERLAND PARK', 'ARVADA',
  // UK
  'LONDON', 'MANCHESTER', 'BIRMINGHAM', 'LEEDS', 'GLASGOW', 'EDINBURGH', 'LIVERPOOL', 'BRISTOL', 'SHEFFIELD', 'NEWCASTLE',
  'NOTTINGHAM', 'LEICESTER', 'CARDIFF', 'BELFAST', 'BRIGHTON', 'OXFORD', 'YORK', 'READING', 'SOUTHAMPTON', 'COVENTRY', 'ABERDEEN',
  'BATH', 'EXETER', 'NORWICH', 'MILTON KEYNES', 'CROYDON', 'WATFORD', 'GUILDFORD', 'LUTON', 'SWINDON', 'DERBY', 'PLYMOUTH',
  'PORTSMOUTH', 'HULL', 'WOLVERHAMPTON', 'STOKE ON TRENT', 'SUNDERLAND', 'PRESTON', 'BOLTON', 'IPSWICH', 'MIDDLESBROUGH',
  'BLACKPOOL', 'BOURNEMOUTH', 'PETERBOROUGH', 'SLOUGH', 'HUDDERSFIELD', 'POOLE', 'DUNDEE', 'SWANSEA', 'NEWPORT', 'GLOUCESTER',
  'CHELMSFORD', 'COLCHESTER', 'CHELTENHAM', 'KINGSTON', 'KINGSTON UPON THAMES', 'BASINGSTOKE', 'MAIDSTONE', 'WORTHING',
  // EU
  'BERLIN', 'HAMBURG', 'MUNCHEN', 'MUENCHEN', 'MUNICH', 'KOLN', 'KOELN', 'COLOGNE', 'FRANKFURT', 'FRANKFURT AM MAIN', 'STUTTGART',
  'DUSSELDORF', 'DUESSELDORF', 'DORTMUND', 'ESSEN', 'LEIPZIG', 'BREMEN', 'DRESDEN', 'HANNOVER', 'NURNBERG', 'NUERNBERG', 'BONN',
  'MANNHEIM', 'KARLSRUHE', 'AUGSBURG', 'WIESBADEN', 'MUNSTER', 'MUENSTER', 'FREIBURG', 'HEIDELBERG', 'AMSTERDAM', 'ROTTERDAM',
  'DEN HAAG', 'S GRAVENHAGE', 'THE HAGUE', 'UTRECHT', 'EINDHOVEN', 'GRONINGEN', 'TILBURG', 'ALMERE', 'BREDA', 'NIJMEGEN',
  'HAARLEM', 'ARNHEM', 'LEIDEN', 'DELFT', 'MAASTRICHT', 'ZWOLLE', 'AMERSFOORT', 'SCHIPHOL', 'PARIS', 'MARSEILLE', 'LYON',
  'TOULOUSE', 'NICE', 'NANTES', 'STRASBOURG', 'MONTPELLIER', 'BORDEAUX', 'LILLE', 'RENNES', 'REIMS', 'GRENOBLE', 'DIJON',
  'BRUXELLES', 'BRUSSEL', 'BRUSSELS', 'ANTWERPEN', 'ANTWERP', 'GENT', 'WIEN', 'VIENNA', 'ZURICH', 'GENEVE', 'MADRID', 'BARCELONA',
  'ROMA', 'ROME', 'MILANO', 'MILAN', 'DUBLIN', 'LISBOA', 'LISBON', 'LUXEMBOURG', 'COPENHAGEN', 'STOCKHOLM', 'BOCHUM',
  'WUPPERTAL', 'BIELEFELD', 'GELSENKIRCHEN', 'MONCHENGLADBACH', 'BRAUNSCHWEIG', 'KIEL', 'CHEMNITZ', 'AACHEN', 'HALLE', 'MAGDEBURG',
  'KREFELD', 'LUBECK', 'OBERHAUSEN', 'ERFURT', 'MAINZ', 'ROSTOCK', 'KASSEL', 'HAGEN', 'POTSDAM', 'SAARBRUCKEN', 'LEVERKUSEN',
  'OSNABRUCK', 'OLDENBURG', 'REGENSBURG', 'ULM', 'INGOLSTADT', 'WURZBURG', 'APELDOORN', 'ENSCHEDE', 'ZAANSTAD',
  'S HERTOGENBOSCH', 'DEN BOSCH', 'ZOETERMEER', 'DORDRECHT', 'EMMEN', 'VENLO', 'ALKMAAR', 'LEEUWARDEN', 'ROUEN',
  'TOURS', 'LE HAVRE', 'SAINT ETIENNE', 'TOULON', 'ANGERS', 'LE MANS', 'AIX EN PROVENCE', 'CLERMONT FERRAND', 'BREST', 'LIMOGES',
  'AMIENS', 'PERPIGNAN', 'METZ', 'BESANCON', 'ORLEANS', 'MULHOUSE', 'CAEN', 'NANCY',
];

/** Known cities, plus the cut-off forms fixed-width card records leave of the multi-word ones ("SAN FRANCISC"). */
export const cities = new Set(cityNames.flatMap(withTruncations));

function withTruncations(city: string): string[] {
  const space = city.indexOf(' ');
  if (space < 0) return [city];
  const cuts: string[] = [city];
  for (let end = space + 3; end < city.length; end++) if (city[end - 1] !== ' ') cuts.push(city.slice(0, end));
  return cuts;
}

/** The longest city name in words, so the cleaner looks no further back than that. */
export const longestCityWords = Math.max(...cityNames.map((city) => city.split(' ').length));

function lastWord(text: string): string {
  return text.slice(text.lastIndexOf(' ') + 1);
}

/** Last words of the known cities and of multi-word countries: a cheap first test before joining words. */
export const cityLastWords = new Set([...cities].map(lastWord));
export const countryLastWords = new Set([...countries].filter((country) => country.includes(' ')).map(lastWord));
