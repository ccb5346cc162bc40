"""Payments and the hours bank."""

from .doc import Doc, T, md

PAYMENT_METHODS = Doc(
    key="payment-methods",
    category="payments",
    days=53,
    views=329,
    request_types=("Billing question",),
    related=("direct-debit", "read-invoice"),
    texts={
        "es": T(
            "Formas de pago y vencimientos",
            "Transferencia, débito automático o tarjeta: cuánto tarda cada una en "
            "registrarse y cuándo vence la factura.",
            "pagar, formas de pago, transferencia, tarjeta, vencimiento, pago atrasado",
            md(
                """
                La factura vence **20 días** después de emitida.

                | Forma de pago | Se registra en | Cómo |
                |---|---|---|
                | Débito automático | El día del vencimiento | Se activa una vez (vea el artículo) |
                | Transferencia bancaria | 1 día hábil | Con el número de factura como referencia |
                | Tarjeta de crédito | Al instante | En el portal de pagos |

                Si paga por transferencia, ponga **el número de factura en la
                referencia**: sin él, el pago puede tardar días en asociarse a su cuenta.

                Con una factura vencida por más de 30 días le escribimos antes de
                suspender cualquier servicio; si ya pagó, responda a ese correo con el
                comprobante.
                """
            ),
        ),
        "en": T(
            "Payment methods and due dates",
            "Bank transfer, direct debit or card: how long each takes to show, and when the "
            "invoice is due.",
            "pay, payment methods, bank transfer, card, due date, late payment",
            md(
                """
                The invoice is due **20 days** after it is issued.

                | Method | Shows as paid | How |
                |---|---|---|
                | Direct debit | On the due date | Set up once (see the article) |
                | Bank transfer | 1 working day | With the invoice number as reference |
                | Credit card | At once | On the payments portal |

                If you pay by transfer, put **the invoice number in the reference**:
                without it, the payment can take days to be matched to your account.

                With an invoice more than 30 days overdue we write to you before suspending
                any service; if you have already paid, answer that e-mail with the proof of
                payment.
                """
            ),
        ),
        "pt": T(
            "Formas de pagamento e vencimentos",
            "Boleto, Pix, débito automático ou cartão: quanto tempo cada um leva para "
            "compensar e quando a fatura vence.",
            "pagar, formas de pagamento, boleto, Pix, cartão, vencimento, atraso",
            md(
                """
                A fatura vence **20 dias** depois de emitida.

                | Forma de pagamento | Compensa em | Como |
                |---|---|---|
                | Débito automático | No vencimento | Ativado uma vez com o seu banco |
                | Pix | Na hora | Com o QR code da fatura |
                | Boleto | Até 2 dias úteis | Código de barras da fatura |
                | Cartão de crédito | Na hora | No portal de pagamentos |

                Use sempre o QR code ou o código de barras **da própria fatura**: um Pix
                para a chave da empresa sem a fatura pode levar dias para ser identificado.

                Com uma fatura vencida há mais de 30 dias, escrevemos antes de suspender
                qualquer serviço; se já pagou, responda a esse e-mail com o comprovante.
                """
            ),
        ),
        "fr": T(
            "Moyens de paiement et échéances",
            "Virement, prélèvement ou carte : le délai de chacun, et la date d'échéance de la "
            "facture.",
            "payer, moyens de paiement, virement, prélèvement, carte, échéance, retard",
            md(
                """
                La facture est payable **20 jours** après son émission.

                | Moyen | Enregistré | Comment |
                |---|---|---|
                | Prélèvement SEPA | À l'échéance | Mandat signé une fois |
                | Virement | 1 jour ouvré | Avec le numéro de facture en référence |
                | Carte bancaire | Immédiatement | Sur le portail de paiement |

                Si vous payez par virement, indiquez **le numéro de facture en
                référence** : sans lui, le paiement peut mettre des jours à être rapproché
                de votre compte.

                Pour une facture impayée depuis plus de 30 jours, nous vous écrivons avant
                de suspendre un service ; si vous avez déjà payé, répondez à cet e-mail avec
                le justificatif.
                """
            ),
        ),
    },
)

# Only in Spanish and English: Atelier Réseaux's manager reads it with the fallback note.
DIRECT_DEBIT = Doc(
    key="direct-debit",
    category="payments",
    days=30,
    views=76,
    related=("payment-methods",),
    texts={
        "es": T(
            "Activar el débito automático",
            "Firme la autorización una vez y cada factura se paga sola en su vencimiento.",
            "débito automático, PAC, pago automático, mandato",
            md(
                """
                1. Pida el formulario de autorización en un ticket **Consulta de
                   facturación**.
                2. Complételo con los datos de la cuenta de la empresa y fírmelo quien
                   tenga poder en el banco.
                3. Adjúntelo al mismo ticket.

                El débito empieza con la factura siguiente a la confirmación del banco
                (de 5 a 10 días hábiles); hasta entonces, pague como siempre. Le avisamos
                en el ticket cuando quede activo.
                """
            ),
        ),
        "en": T(
            "Set up direct debit",
            "Sign the authorisation once and every invoice pays itself on its due date.",
            "direct debit, automatic payment, mandate",
            md(
                """
                1. Ask for the authorisation form in a **Billing question** ticket.
                2. Fill it in with the company's account details and have it signed by
                   someone with authority over the account.
                3. Attach it to the same ticket.

                The debit starts with the invoice after the bank confirms it (5 to 10
                working days); until then, pay as usual. We tell you on the ticket when it
                is active.
                """
            ),
        ),
    },
)

HOURS_BANK = Doc(
    key="hours-bank",
    category="hours",
    days=43,
    views=268,
    related=("hours-statement", "contracts"),
    texts={
        "es": T(
            "Cómo funciona la bolsa de horas",
            "Las horas de soporte incluidas en su contrato: qué descuenta, qué pasa con las "
            "que sobran y con las que faltan.",
            "bolsa de horas, horas de soporte, horas adicionales, horas sobrantes, consumo",
            md(
                """
                Su contrato incluye un número de horas de trabajo de nuestro equipo por
                periodo (por ejemplo, 20 horas al mes). Los administradores de su
                organización las siguen en **Contratos**.

                ## Qué descuenta horas

                Cada vez que un técnico trabaja en uno de sus tickets registra el tiempo,
                con una descripción de lo hecho. Ese registro descuenta de la bolsa.

                **No descuentan**: los cortes de servicio que son responsabilidad nuestra,
                ni los registros marcados como *no facturado* (los ve en la lista, pero no
                suman).

                ## Un ejemplo

                | | Horas |
                |---|---|
                | Bolsa del mes | 20 |
                | Arrastradas del mes anterior | 3 |
                | Disponibles | 23 |
                | Usadas | 25,5 |
                | Sobre la bolsa | 2,5 |

                ## Horas que sobran y que faltan

                - **Sobran**: según su contrato, pasan al periodo siguiente hasta un
                  máximo (por ejemplo, 5 horas), o se pierden.
                - **Faltan**: el trabajo sigue; las horas de más se facturan al precio de
                  hora adicional de su contrato, en la factura del mes siguiente.

                ## Avisos

                Los administradores reciben un aviso al llegar al **80 %** de la bolsa y
                otro al **100 %**. La barra de la página del contrato se pone ámbar desde el
                80 % y roja al pasar el 100 %.
                """
            ),
        ),
        "en": T(
            "How the hours bank works",
            "The support hours included in your contract: what uses them, and what happens "
            "to hours left over or missing.",
            "hours bank, support hours, extra hours, leftover hours, usage",
            md(
                """
                Your contract includes a number of hours of our team's work per period (for
                example 20 hours a month). Your organisation's managers follow them under
                **Contracts**.

                ## What uses hours

                Each time an engineer works on one of your tickets they log the time, with
                a description of what was done. That entry is taken from the bank.

                **Not counted**: outages that are our responsibility, and entries marked
                *not billed* (you see them in the list, but they do not add up).

                ## An example

                | | Hours |
                |---|---|
                | Monthly bank | 20 |
                | Carried over from last month | 3 |
                | Available | 23 |
                | Used | 25.5 |
                | Over the bank | 2.5 |

                ## Hours left over, hours missing

                - **Left over**: depending on your contract, they carry over to the next
                  period up to a cap (for example 5 hours), or lapse.
                - **Missing**: the work goes on; the extra hours are invoiced at your
                  contract's extra-hour rate, on the next month's invoice.

                ## Alerts

                Managers are told when the bank reaches **80 %** and again at **100 %**.
                The bar on the contract page turns amber from 80 % and red past 100 %.
                """
            ),
        ),
        "pt": T(
            "Como funciona o banco de horas",
            "As horas de suporte incluídas no seu contrato: o que consome, o que acontece com "
            "as que sobram e com as que faltam.",
            "banco de horas, horas de suporte, horas adicionais, horas excedentes, consumo",
            md(
                """
                O seu contrato inclui um número de horas de trabalho da nossa equipe por
                período (por exemplo, 20 horas por mês). Os gestores da sua organização as
                acompanham em **Contratos**.

                ## O que consome horas

                Cada vez que um técnico trabalha em um dos seus chamados, ele registra o
                tempo com uma descrição do que foi feito. Esse registro é descontado do
                banco.

                **Não consomem**: as quedas de responsabilidade nossa e os registros
                marcados como *não faturado* (aparecem na lista, mas não somam).

                ## Um exemplo

                | | Horas |
                |---|---|
                | Banco do mês | 20 |
                | Trazidas do mês anterior | 3 |
                | Disponíveis | 23 |
                | Usadas | 25,5 |
                | Acima do banco | 2,5 |

                ## Horas que sobram e que faltam

                - **Sobram**: conforme o contrato, passam para o período seguinte até um
                  limite (por exemplo, 5 horas), ou expiram.
                - **Faltam**: o trabalho continua; as horas a mais são faturadas pelo valor
                  de hora adicional do contrato, na fatura do mês seguinte.

                ## Avisos

                Os gestores recebem um aviso quando o banco chega a **80 %** e outro a
                **100 %**. A barra da página do contrato fica âmbar a partir de 80 % e
                vermelha acima de 100 %.
                """
            ),
        ),
        "fr": T(
            "Comment fonctionne la banque d'heures",
            "Les heures de support comprises dans votre contrat : ce qui les consomme, et ce "
            "qu'il advient des heures restantes ou manquantes.",
            "banque d'heures, heures de support, heures supplémentaires, consommation",
            md(
                """
                Votre contrat comprend un nombre d'heures de travail de notre équipe par
                période (par exemple 20 heures par mois). Les responsables de votre
                organisation les suivent sous **Contrats**.

                ## Ce qui consomme des heures

                Chaque fois qu'un technicien travaille sur l'un de vos tickets, il saisit le
                temps passé avec une description de ce qui a été fait. Cette saisie est
                déduite de la banque.

                **Ne sont pas décomptées** : les coupures dont nous sommes responsables, et
                les saisies marquées *non facturé* (visibles dans la liste, mais hors
                total).

                ## Un exemple

                | | Heures |
                |---|---|
                | Banque du mois | 20 |
                | Reportées du mois précédent | 3 |
                | Disponibles | 23 |
                | Utilisées | 25,5 |
                | Au-delà de la banque | 2,5 |

                ## Heures restantes, heures manquantes

                - **Restantes** : selon votre contrat, elles sont reportées sur la période
                  suivante dans une limite (par exemple 5 heures), ou perdues.
                - **Manquantes** : le travail continue ; les heures en plus sont facturées
                  au tarif d'heure supplémentaire de votre contrat, le mois suivant.

                ## Alertes

                Les responsables sont avertis quand la banque atteint **80 %** puis
                **100 %**. La barre de la page du contrat passe à l'orange dès 80 % et au
                rouge au-delà de 100 %.
                """
            ),
        ),
    },
)

HOURS_STATEMENT = Doc(
    key="hours-statement",
    category="hours",
    days=28,
    views=112,
    request_types=("Reports",),
    related=("hours-bank",),
    texts={
        "es": T(
            "Descargar el informe de horas (PDF o CSV)",
            "El detalle de las horas de un periodo, para su contabilidad o para el directorio.",
            "informe de horas, PDF, CSV, Excel, detalle de horas, periodo",
            md(
                """
                En **Contratos**, abra su contrato y elija el periodo en la lista. Abajo de
                la bolsa de horas tiene dos enlaces:

                - **PDF**: para enviar o archivar; incluye las horas por ticket y cada
                  registro.
                - **CSV**: para Excel o su sistema contable; las horas van como decimales
                  (1,5 es una hora y media).

                Los dos usan el idioma y la zona horaria de su perfil. Solo los
                administradores de la organización ven los contratos.
                """
            ),
        ),
        "en": T(
            "Download the statement of hours (PDF or CSV)",
            "The detail of a period's hours, for your accounts or your board.",
            "statement of hours, PDF, CSV, Excel, hours detail, period",
            md(
                """
                Under **Contracts**, open your contract and pick the period in the list.
                Below the hours bank there are two links:

                - **PDF**: to send or file; it has the hours per ticket and every entry.
                - **CSV**: for Excel or your accounting system; hours are decimals (1.5 is
                  an hour and a half).

                Both use your profile's language and time zone. Only the organisation's
                managers see contracts.
                """
            ),
        ),
        "pt": T(
            "Baixar o extrato de horas (PDF ou CSV)",
            "O detalhe das horas de um período, para a contabilidade ou para a diretoria.",
            "extrato de horas, PDF, CSV, Excel, detalhe de horas, período",
            md(
                """
                Em **Contratos**, abra o seu contrato e escolha o período na lista. Abaixo
                do banco de horas há dois links:

                - **PDF**: para enviar ou arquivar; traz as horas por chamado e cada
                  registro.
                - **CSV**: para o Excel ou o sistema contábil; as horas vêm em decimais (1,5
                  é uma hora e meia).

                Os dois usam o idioma e o fuso horário do seu perfil. Só os gestores da
                organização veem os contratos.
                """
            ),
        ),
        "fr": T(
            "Télécharger le relevé d'heures (PDF ou CSV)",
            "Le détail des heures d'une période, pour votre comptabilité ou votre direction.",
            "relevé d'heures, PDF, CSV, Excel, détail des heures, période",
            md(
                """
                Sous **Contrats**, ouvrez votre contrat et choisissez la période dans la
                liste. Sous la banque d'heures se trouvent deux liens :

                - **PDF** : à envoyer ou archiver ; il contient les heures par ticket et
                  chaque saisie.
                - **CSV** : pour Excel ou votre logiciel comptable ; les heures sont en
                  décimales (1,5 = une heure et demie).

                Les deux suivent la langue et le fuseau horaire de votre profil. Seuls les
                responsables de l'organisation voient les contrats.
                """
            ),
        ),
    },
)

ARTICLES = [PAYMENT_METHODS, DIRECT_DEBIT, HOURS_BANK, HOURS_STATEMENT]
