"""Invoices: reading one, prorating, disputing."""

from .doc import Doc, T, md

READ_INVOICE = Doc(
    key="read-invoice",
    category="invoices",
    days=54,
    views=590,
    request_types=("Billing question",),
    related=("prorated", "invoice-error", "payment-methods"),
    texts={
        "es": T(
            "Cómo leer su factura",
            "Qué es cada bloque de la factura mensual: servicios, horas adicionales, ajustes "
            "e impuestos.",
            "factura, leer factura, cobro, detalle, impuestos, cargos",
            md(
                """
                Su factura llega el día 1 de cada mes por correo a los administradores de
                su organización, y también está en el portal de pagos.

                ## Los bloques de la factura

                | Bloque | Qué incluye | Periodo |
                |---|---|---|
                | Servicios | Cada servicio contratado (fibra, firewall, WiFi) | El mes entrante |
                | Horas adicionales | Horas sobre su bolsa de horas, si las hubo | El mes anterior |
                | Ajustes | Prorrateos por altas o bajas, descuentos | Según la línea |
                | Impuestos | IVA sobre el total | — |

                Los servicios se cobran **por adelantado** y las horas adicionales **a mes
                vencido**: por eso una factura mezcla dos meses.

                ## El identificador de cada servicio

                Cada línea de servicio lleva su identificador (por ejemplo
                `CL-SCL-00123`), el mismo que ve en **Contratos** y al elegir servicios en
                un ticket. Si tiene varias sedes, así sabe qué línea es de cuál.

                ## Si algo no cuadra

                Vea el artículo sobre cómo reclamar una factura: con el número de factura y
                la línea en cuestión lo revisamos en dos días hábiles.
                """
            ),
        ),
        "en": T(
            "How to read your invoice",
            "What each part of the monthly invoice is: services, extra hours, adjustments and "
            "taxes.",
            "invoice, read invoice, charge, breakdown, taxes, fees",
            md(
                """
                Your invoice is e-mailed on the 1st of each month to your organisation's
                managers, and it is also on the payments portal.

                ## The parts of the invoice

                | Part | What it includes | Period |
                |---|---|---|
                | Services | Each service (fibre, firewall, Wi-Fi) | The month starting |
                | Extra hours | Hours beyond your hours bank, if any | The month before |
                | Adjustments | Prorating of services added or ended, discounts | Per line |
                | Taxes | VAT on the total | — |

                Services are charged **in advance** and extra hours **in arrears**: that is
                why one invoice covers two months.

                ## Each service's identifier

                Each service line carries its identifier (for example `CL-SCL-00123`), the
                same you see under **Contracts** and when you pick services on a ticket. If
                you have several sites, that is how you tell which line is which.

                ## If something does not add up

                See the article on disputing an invoice: with the invoice number and the
                line concerned we review it within two working days.
                """
            ),
        ),
        "pt": T(
            "Como ler a sua fatura",
            "O que é cada bloco da fatura mensal: serviços, horas adicionais, ajustes e impostos.",
            "fatura, ler fatura, cobrança, detalhamento, impostos, boleto",
            md(
                """
                A sua fatura chega no dia 1º de cada mês por e-mail aos gestores da sua
                organização, e também fica no portal de pagamentos.

                ## Os blocos da fatura

                | Bloco | O que inclui | Período |
                |---|---|---|
                | Serviços | Cada serviço contratado (fibra, firewall, Wi-Fi) | O mês que começa |
                | Horas adicionais | Horas além do banco de horas, se houver | O mês anterior |
                | Ajustes | Valores proporcionais, descontos | Por linha |
                | Impostos | Tributos sobre o total | — |

                Os serviços são cobrados **antecipadamente** e as horas adicionais **no mês
                seguinte**: por isso uma fatura mistura dois meses.

                ## O identificador de cada serviço

                Cada linha de serviço traz o seu identificador (por exemplo `BR-SP-7788`), o
                mesmo que aparece em **Contratos** e ao escolher serviços em um chamado. Se
                você tem vários locais, é assim que sabe qual linha é de qual.

                ## Se algo não bate

                Veja o artigo sobre como contestar uma fatura: com o número da fatura e a
                linha em questão, revisamos em até dois dias úteis.
                """
            ),
        ),
        "fr": T(
            "Comment lire votre facture",
            "Ce qu'est chaque partie de la facture mensuelle : services, heures "
            "supplémentaires, ajustements et taxes.",
            "facture, lire la facture, prélèvement, détail, taxes, frais",
            md(
                """
                Votre facture est envoyée le 1er de chaque mois par e-mail aux responsables
                de votre organisation ; elle est aussi sur le portail de paiement.

                ## Les parties de la facture

                | Partie | Ce qu'elle contient | Période |
                |---|---|---|
                | Services | Chaque service souscrit (fibre, pare-feu, Wi-Fi) | Le mois qui vient |
                | Heures en plus | Au-delà de votre banque d'heures | Le mois précédent |
                | Ajustements | Prorata des services ajoutés ou résiliés, remises | Selon la ligne |
                | Taxes | TVA sur le total | — |

                Les services sont facturés **d'avance** et les heures supplémentaires **à
                terme échu** : c'est pourquoi une facture porte sur deux mois.

                ## L'identifiant de chaque service

                Chaque ligne de service porte son identifiant (par exemple `FR-PAR-3321`),
                le même que sous **Contrats** et dans le choix des services d'un ticket. Si
                vous avez plusieurs sites, c'est ainsi que vous savez quelle ligne est
                laquelle.

                ## Si quelque chose ne va pas

                Voyez l'article sur la contestation d'une facture : avec le numéro de la
                facture et la ligne concernée, nous la vérifions sous deux jours ouvrés.
                """
            ),
        ),
    },
)

PRORATED = Doc(
    key="prorated",
    category="invoices",
    days=45,
    views=204,
    request_types=("Billing question",),
    related=("read-invoice",),
    texts={
        "es": T(
            "¿Por qué mi primera factura es distinta? Los prorrateos",
            "Un servicio que empieza a mitad de mes se cobra por los días que quedan, más el "
            "mes siguiente completo.",
            "prorrateo, primera factura, cobro doble, mitad de mes, alta de servicio",
            md(
                """
                Cuando un servicio empieza el día 12, su primera factura incluye:

                - los días del 12 al último día del mes, en **Ajustes** (por ejemplo, 20 de
                  30 días: dos tercios del precio mensual);
                - el mes siguiente completo, en **Servicios**, porque se cobra por
                  adelantado.

                Por eso la primera factura suele ser más alta que las demás. Desde la
                segunda, el monto es el precio mensual. Lo mismo ocurre, al revés, cuando
                se da de baja un servicio: el último mes lleva un ajuste a su favor.
                """
            ),
        ),
        "en": T(
            "Why is my first invoice different? Prorating",
            "A service that starts mid-month is charged for the days left, plus the whole of "
            "the next month.",
            "prorating, prorated, first invoice, charged twice, mid-month, new service",
            md(
                """
                When a service starts on the 12th, its first invoice includes:

                - the days from the 12th to the end of the month, under **Adjustments** (for
                  example 20 days of 30: two thirds of the monthly price);
                - the whole next month, under **Services**, since it is charged in advance.

                That is why the first invoice is usually higher than the others. From the
                second one, the amount is the monthly price. The same happens the other way
                round when a service ends: the last month carries an adjustment in your
                favour.
                """
            ),
        ),
        "pt": T(
            "Por que a minha primeira fatura é diferente? Valores proporcionais",
            "Um serviço que começa no meio do mês é cobrado pelos dias restantes, mais o mês "
            "seguinte inteiro.",
            "proporcional, pro rata, primeira fatura, cobrança dupla, meio do mês",
            md(
                """
                Quando um serviço começa no dia 12, a primeira fatura inclui:

                - os dias do 12 ao fim do mês, em **Ajustes** (por exemplo, 20 de 30 dias:
                  dois terços do preço mensal);
                - o mês seguinte inteiro, em **Serviços**, porque é cobrado antecipadamente.

                Por isso a primeira fatura costuma ser maior que as outras. A partir da
                segunda, o valor é o preço mensal. O mesmo acontece ao contrário quando um
                serviço é cancelado: o último mês traz um ajuste a seu favor.
                """
            ),
        ),
        "fr": T(
            "Pourquoi ma première facture est-elle différente ? Le prorata",
            "Un service qui commence en cours de mois est facturé pour les jours restants, "
            "plus tout le mois suivant.",
            "prorata, première facture, facturé deux fois, milieu du mois, nouveau service",
            md(
                """
                Quand un service commence le 12, sa première facture comprend :

                - les jours du 12 à la fin du mois, sous **Ajustements** (par exemple 20
                  jours sur 30 : les deux tiers du prix mensuel) ;
                - tout le mois suivant, sous **Services**, puisqu'il est facturé d'avance.

                C'est pourquoi la première facture est en général plus élevée que les
                suivantes. Dès la deuxième, le montant est le prix mensuel. L'inverse se
                produit à la résiliation d'un service : le dernier mois porte un ajustement
                en votre faveur.
                """
            ),
        ),
    },
)

INVOICE_ERROR = Doc(
    key="invoice-error",
    category="invoices",
    days=44,
    views=187,
    request_types=("Billing question",),
    related=("read-invoice", "prorated"),
    texts={
        "es": T(
            "Algo no cuadra en una factura: cómo reclamar",
            "Qué incluir en el ticket para que lo resolvamos sin idas y vueltas, y qué pasa "
            "con el pago mientras tanto.",
            "reclamo factura, error en factura, cobro indebido, nota de crédito",
            md(
                """
                Abra un ticket **Consulta de facturación**. El formulario pide el número de
                factura; en la descripción indique:

                1. la línea que le parece incorrecta (cópiela tal cual);
                2. lo que esperaba ver y por qué (un servicio dado de baja, un descuento
                   acordado);
                3. si tiene un correo o un contrato que lo respalde, adjúntelo.

                Lo revisa el equipo de facturación en dos días hábiles. Si le damos la
                razón, emitimos una nota de crédito que se descuenta de la factura
                siguiente.

                **Pague el resto de la factura** mientras tanto: así la línea en revisión
                no genera recargos ni corte de servicio.
                """
            ),
        ),
        "en": T(
            "Something is wrong on an invoice: how to dispute it",
            "What to put in the ticket so that we solve it without back and forth, and what "
            "happens to the payment meanwhile.",
            "invoice dispute, wrong invoice, overcharge, credit note",
            md(
                """
                Open a **Billing question** ticket. The form asks for the invoice number; in
                the description say:

                1. the line you think is wrong (copy it as it is);
                2. what you expected and why (a service you ended, an agreed discount);
                3. if an e-mail or the contract backs it up, attach it.

                The billing team reviews it within two working days. If you are right, we
                issue a credit note that is taken off the next invoice.

                **Pay the rest of the invoice** meanwhile: the line under review then brings
                no late fees and no suspension.
                """
            ),
        ),
        "pt": T(
            "Algo está errado na fatura: como contestar",
            "O que colocar no chamado para resolvermos sem idas e vindas, e o que acontece com "
            "o pagamento enquanto isso.",
            "contestar fatura, fatura errada, cobrança indevida, nota de crédito",
            md(
                """
                Abra um chamado **Dúvida de faturamento**. O formulário pede o número da
                fatura; na descrição informe:

                1. a linha que parece errada (copie como está);
                2. o que você esperava e por quê (um serviço cancelado, um desconto
                   combinado);
                3. se um e-mail ou o contrato comprova, anexe.

                A equipe de faturamento revisa em até dois dias úteis. Se você tiver razão,
                emitimos um crédito que é descontado na fatura seguinte.

                **Pague o restante da fatura** enquanto isso: assim a linha em revisão não
                gera multa nem suspensão.
                """
            ),
        ),
        "fr": T(
            "Une erreur sur une facture : comment la contester",
            "Ce qu'il faut mettre dans le ticket pour régler cela sans allers-retours, et ce "
            "qu'il advient du paiement entre-temps.",
            "contestation facture, erreur de facture, trop-perçu, avoir",
            md(
                """
                Ouvrez un ticket **Question de facturation**. Le formulaire demande le numéro
                de facture ; dans la description, indiquez :

                1. la ligne qui vous semble fausse (copiez-la telle quelle) ;
                2. ce que vous attendiez et pourquoi (un service résilié, une remise
                   convenue) ;
                3. si un e-mail ou le contrat le confirme, joignez-le.

                Le service facturation l'examine sous deux jours ouvrés. Si vous avez
                raison, nous émettons un avoir déduit de la facture suivante.

                **Réglez le reste de la facture** en attendant : la ligne contestée
                n'entraîne alors ni pénalités ni suspension.
                """
            ),
        ),
    },
)

ARTICLES = [READ_INVOICE, PRORATED, INVOICE_ERROR]
