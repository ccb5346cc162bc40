"""Wi-Fi: slowness, speed tests, the password, guests."""

from .doc import Doc, T, md

SLOW_WIFI = Doc(
    key="slow-wifi",
    category="wifi",
    days=56,
    views=655,
    request_types=("Slow connection",),
    related=("speed-test", "wifi-password", "drops"),
    texts={
        "es": T(
            "WiFi lento: causas y soluciones",
            "Casi siempre es la distancia, las paredes o la banda. Cómo saber si es el WiFi "
            "o la línea, y qué cambiar.",
            "wifi lento, señal débil, velocidad, 5 GHz, 2,4 GHz, cobertura",
            md(
                """
                Cuando "internet está lento", lo primero es saber si el problema es el WiFi
                o la línea.

                ## ¿El WiFi o la línea?

                Haga una prueba de velocidad con un computador **conectado por cable** al
                router y otra por WiFi, en el mismo lugar y a la misma hora.

                - Por cable bien y por WiFi mal: el problema es el WiFi; siga leyendo.
                - Mal en los dos: es la línea o el router; abra un ticket **Conexión lenta**
                  con los resultados.

                ## Las dos bandas

                | | 2,4 GHz | 5 GHz |
                |---|---|---|
                | Alcance | Mayor, atraviesa mejor las paredes | Menor |
                | Velocidad | Hasta unos 100 Mbps reales | Varios cientos de Mbps |
                | Interferencias | Muchas (microondas, redes vecinas) | Pocas |
                | Conviene para | Impresoras, equipos lejanos | Computadores y videollamadas |

                Si su red tiene dos nombres (por ejemplo *Oficina* y *Oficina-5G*), conecte
                los computadores a la de 5 GHz.

                ## Lo que más ayuda

                1. **Acerque el router o el punto de acceso**: cada pared de concreto puede
                   restar la mitad de la velocidad.
                2. **Sáquelo de muebles y racks metálicos**, en alto y a la vista.
                3. **Reinicie el router** si lleva semanas encendido.
                4. Para más de un piso o más de 150 m², pida un punto de acceso adicional:
                   un repetidor barato suele empeorar las cosas.

                ## Cuándo abrir un ticket

                Si por cable la velocidad tampoco llega a lo contratado, abra un ticket
                **Conexión lenta** con la velocidad medida y la hora de la prueba.
                """
            ),
        ),
        "en": T(
            "Slow Wi-Fi: causes and fixes",
            "It is nearly always distance, walls or the band. How to tell the Wi-Fi from the "
            "line, and what to change.",
            "slow wifi, weak signal, speed, 5 GHz, 2.4 GHz, coverage",
            md(
                """
                When "the internet is slow", the first thing is to know whether the problem
                is the Wi-Fi or the line.

                ## The Wi-Fi or the line?

                Run a speed test on a computer **connected to the router by cable** and
                another on Wi-Fi, at the same place and time.

                - Good on cable, poor on Wi-Fi: the problem is the Wi-Fi; read on.
                - Poor on both: it is the line or the router; open a **Slow connection**
                  ticket with the results.

                ## The two bands

                | | 2.4 GHz | 5 GHz |
                |---|---|---|
                | Range | Longer, goes through walls better | Shorter |
                | Speed | Up to about 100 Mbps in practice | Several hundred Mbps |
                | Interference | A lot (microwaves, neighbours' networks) | Little |
                | Best for | Printers, far-away devices | Computers and video calls |

                If your network has two names (for example *Office* and *Office-5G*),
                connect the computers to the 5 GHz one.

                ## What helps most

                1. **Move the router or access point closer**: each concrete wall can halve
                   the speed.
                2. **Take it out of cabinets and metal racks**, up high and in the open.
                3. **Restart the router** if it has been on for weeks.
                4. For more than one floor or more than 150 m², ask for another access
                   point: a cheap repeater usually makes things worse.

                ## When to open a ticket

                If the speed on cable does not reach what you pay for either, open a
                **Slow connection** ticket with the measured speed and the time of the test.
                """
            ),
        ),
        "pt": T(
            "Wi-Fi lento: causas e soluções",
            "Quase sempre é a distância, as paredes ou a faixa. Como saber se é o Wi-Fi ou a "
            "linha, e o que mudar.",
            "wi-fi lento, sinal fraco, velocidade, 5 GHz, 2,4 GHz, cobertura",
            md(
                """
                Quando "a internet está lenta", o primeiro passo é saber se o problema é o
                Wi-Fi ou a linha.

                ## O Wi-Fi ou a linha?

                Faça um teste de velocidade em um computador **ligado ao roteador por
                cabo** e outro pelo Wi-Fi, no mesmo lugar e horário.

                - Bom no cabo e ruim no Wi-Fi: o problema é o Wi-Fi; continue lendo.
                - Ruim nos dois: é a linha ou o roteador; abra um chamado **Conexão lenta**
                  com os resultados.

                ## As duas faixas

                | | 2,4 GHz | 5 GHz |
                |---|---|---|
                | Alcance | Maior, atravessa melhor as paredes | Menor |
                | Velocidade | Até uns 100 Mbps na prática | Várias centenas de Mbps |
                | Interferência | Muita (micro-ondas, redes vizinhas) | Pouca |
                | Indicada para | Impressoras, aparelhos distantes | Computadores e videochamadas |

                Se a sua rede tem dois nomes (por exemplo *Escritorio* e *Escritorio-5G*),
                conecte os computadores à de 5 GHz.

                ## O que mais ajuda

                1. **Aproxime o roteador ou o ponto de acesso**: cada parede de concreto pode
                   cortar a velocidade pela metade.
                2. **Tire-o de armários e racks metálicos**, no alto e à vista.
                3. **Reinicie o roteador** se ele está ligado há semanas.
                4. Para mais de um andar ou mais de 150 m², peça um ponto de acesso a mais:
                   um repetidor barato costuma piorar as coisas.

                ## Quando abrir um chamado

                Se no cabo a velocidade também não chega ao contratado, abra um chamado
                **Conexão lenta** com a velocidade medida e o horário do teste.
                """
            ),
        ),
        "fr": T(
            "Wi-Fi lent : causes et solutions",
            "C'est presque toujours la distance, les murs ou la bande. Comment distinguer le "
            "Wi-Fi de la ligne, et quoi changer.",
            "wi-fi lent, signal faible, débit, 5 GHz, 2,4 GHz, couverture",
            md(
                """
                Quand « internet est lent », il faut d'abord savoir si le problème vient du
                Wi-Fi ou de la ligne.

                ## Le Wi-Fi ou la ligne ?

                Faites un test de débit sur un ordinateur **relié au routeur par câble** et
                un autre en Wi-Fi, au même endroit et à la même heure.

                - Bon en câble, mauvais en Wi-Fi : c'est le Wi-Fi ; lisez la suite.
                - Mauvais dans les deux cas : c'est la ligne ou le routeur ; ouvrez un ticket
                  **Connexion lente** avec les résultats.

                ## Les deux bandes

                | | 2,4 GHz | 5 GHz |
                |---|---|---|
                | Portée | Plus grande, traverse mieux les murs | Plus courte |
                | Débit | Jusqu'à 100 Mbit/s environ en pratique | Plusieurs centaines de Mbit/s |
                | Interférences | Nombreuses (micro-ondes, réseaux voisins) | Rares |
                | Idéale pour | Imprimantes, appareils éloignés | Ordinateurs et visioconférences |

                Si votre réseau a deux noms (par exemple *Bureau* et *Bureau-5G*), connectez
                les ordinateurs à celui en 5 GHz.

                ## Ce qui aide le plus

                1. **Rapprochez le routeur ou la borne** : chaque mur en béton peut diviser
                   le débit par deux.
                2. **Sortez-le des placards et baies métalliques**, en hauteur et dégagé.
                3. **Redémarrez le routeur** s'il est allumé depuis des semaines.
                4. Au-delà d'un étage ou de 150 m², demandez une borne supplémentaire : un
                   répéteur bon marché aggrave souvent les choses.

                ## Quand ouvrir un ticket

                Si le débit en câble n'atteint pas non plus celui de votre offre, ouvrez un
                ticket **Connexion lente** avec le débit mesuré et l'heure du test.
                """
            ),
        ),
    },
)

SPEED_TEST = Doc(
    key="speed-test",
    category="wifi",
    days=52,
    views=418,
    request_types=("Slow connection",),
    related=("slow-wifi",),
    texts={
        "en": T(
            "How to run a speed test we can rely on",
            "A test on Wi-Fi, with a download running, measures your network, not the line. "
            "Five rules for a result that means something.",
            "speed test, speedtest, bandwidth, Mbps, download, upload",
            md(
                """
                A speed test is only useful if it measures the line and nothing else.

                ## Five rules

                1. Use a computer **connected by cable** to the router, not Wi-Fi.
                2. Pause backups, cloud sync and updates, and close video calls.
                3. Run the test **three times**, a minute apart, and keep the middle result.
                4. Note the time: evening results differ from morning ones.
                5. Use our test server (it is inside our network, so it measures only your
                   line), or a public one as a second opinion.

                ## From the command line

                If you have a terminal at hand, the Ookla client gives the server and the
                result in one line:

                ```
                speedtest --format=human-readable
                ```

                ## What to send us

                Download and upload speed, the latency (ping), the time of the test and
                whether it was on cable. The **Slow connection** ticket form asks for the
                measured speed: it lets us compare it at once with what you pay for.
                """
            ),
        ),
        "es": T(
            "Cómo hacer una prueba de velocidad confiable",
            "Una prueba por WiFi, con una descarga en curso, mide su red y no la línea. Cinco "
            "reglas para un resultado que sirva.",
            "prueba de velocidad, speedtest, ancho de banda, Mbps, descarga, subida",
            md(
                """
                Una prueba de velocidad solo sirve si mide la línea y nada más.

                ## Cinco reglas

                1. Use un computador **conectado por cable** al router, no por WiFi.
                2. Pause copias de seguridad, sincronización en la nube y actualizaciones,
                   y cierre las videollamadas.
                3. Haga la prueba **tres veces**, con un minuto entre cada una, y quédese con
                   el resultado del medio.
                4. Anote la hora: de noche los resultados son distintos que en la mañana.
                5. Use nuestro servidor de pruebas (está dentro de nuestra red, así que mide
                   solo su línea) o uno público como segunda opinión.

                ## Desde la línea de comandos

                Si tiene una terminal a mano, el cliente de Ookla da el servidor y el
                resultado en una línea:

                ```
                speedtest --format=human-readable
                ```

                ## Qué enviarnos

                Velocidad de descarga y de subida, la latencia (ping), la hora de la prueba
                y si fue por cable. El formulario del ticket **Conexión lenta** pide la
                velocidad medida: así la comparamos de inmediato con lo contratado.
                """
            ),
        ),
        "pt": T(
            "Como fazer um teste de velocidade confiável",
            "Um teste pelo Wi-Fi, com um download em andamento, mede a sua rede e não a linha. "
            "Cinco regras para um resultado que sirva.",
            "teste de velocidade, speedtest, banda, Mbps, download, upload",
            md(
                """
                Um teste de velocidade só é útil se medir a linha e nada mais.

                ## Cinco regras

                1. Use um computador **ligado por cabo** ao roteador, não pelo Wi-Fi.
                2. Pause backups, sincronização na nuvem e atualizações, e feche as
                   videochamadas.
                3. Faça o teste **três vezes**, com um minuto de intervalo, e fique com o
                   resultado do meio.
                4. Anote o horário: à noite os resultados são diferentes dos da manhã.
                5. Use o nosso servidor de testes (ele está dentro da nossa rede, então mede
                   só a sua linha) ou um público como segunda opinião.

                ## Pela linha de comando

                Se tiver um terminal à mão, o cliente da Ookla mostra o servidor e o
                resultado em uma linha:

                ```
                speedtest --format=human-readable
                ```

                ## O que nos enviar

                Velocidade de download e de upload, a latência (ping), o horário do teste e
                se foi no cabo. O formulário do chamado **Conexão lenta** pede a velocidade
                medida: assim a comparamos na hora com o contratado.
                """
            ),
        ),
        "fr": T(
            "Faire un test de débit fiable",
            "Un test en Wi-Fi, pendant un téléchargement, mesure votre réseau et non la ligne. "
            "Cinq règles pour un résultat utile.",
            "test de débit, speedtest, bande passante, Mbit/s, descendant, montant",
            md(
                """
                Un test de débit n'est utile que s'il mesure la ligne, et rien d'autre.

                ## Cinq règles

                1. Utilisez un ordinateur **relié au routeur par câble**, pas en Wi-Fi.
                2. Mettez en pause sauvegardes, synchronisation cloud et mises à jour, et
                   fermez les visioconférences.
                3. Faites le test **trois fois**, à une minute d'intervalle, et gardez le
                   résultat du milieu.
                4. Notez l'heure : le soir, les résultats diffèrent de ceux du matin.
                5. Utilisez notre serveur de test (il est dans notre réseau et ne mesure donc
                   que votre ligne), ou un serveur public comme second avis.

                ## En ligne de commande

                Si vous avez un terminal sous la main, le client Ookla donne le serveur et
                le résultat en une ligne :

                ```
                speedtest --format=human-readable
                ```

                ## Ce qu'il faut nous envoyer

                Débits descendant et montant, la latence (ping), l'heure du test et s'il a
                été fait en câble. Le formulaire du ticket **Connexion lente** demande le
                débit mesuré : nous le comparons aussitôt à celui de votre offre.
                """
            ),
        ),
    },
)

WIFI_PASSWORD = Doc(
    key="wifi-password",
    category="wifi",
    days=47,
    views=301,
    request_types=("Configuration of my account",),
    related=("guest-wifi", "slow-wifi"),
    texts={
        "es": T(
            "Cambiar el nombre o la contraseña del WiFi",
            "Lo hacemos nosotros en el router gestionado: qué pedir y qué pasará con los "
            "equipos conectados.",
            "contraseña wifi, clave wifi, nombre de red, SSID, cambiar wifi",
            md(
                """
                Su router es gestionado: para que no se pierda la configuración, los
                cambios de WiFi los hacemos nosotros.

                ## Cómo pedirlo

                Abra un ticket **Configuración de mi cuenta** con:

                - el nombre de red actual y el nuevo, si lo cambia;
                - a qué hora prefiere el cambio (todos los equipos se desconectan).

                **No escriba la contraseña nueva en el ticket.** Se la enviamos nosotros
                por teléfono o la elige usted en la llamada.

                ## Después del cambio

                Cada equipo debe "olvidar" la red y volver a conectarse con la clave
                nueva. No olvide las impresoras, las cámaras y los terminales de pago:
                son los que más se quedan sin conexión.
                """
            ),
        ),
        "en": T(
            "Change the Wi-Fi network name or password",
            "We do it on your managed router: what to ask for, and what happens to the "
            "devices connected.",
            "wifi password, wifi key, network name, SSID, change wifi",
            md(
                """
                Your router is managed: so that its configuration is not lost, we make the
                Wi-Fi changes.

                ## How to ask

                Open a **Configuration of my account** ticket with:

                - the current network name and the new one, if it changes;
                - when you would like the change (every device is disconnected).

                **Do not write the new password in the ticket.** We give it to you over the
                phone, or you choose it during the call.

                ## After the change

                Every device must "forget" the network and join again with the new key.
                Remember the printers, cameras and card terminals: they are the ones most
                often left offline.
                """
            ),
        ),
        "pt": T(
            "Alterar o nome ou a senha do Wi-Fi",
            "Nós fazemos isso no roteador gerenciado: o que pedir e o que acontece com os "
            "aparelhos conectados.",
            "senha wi-fi, nome da rede, SSID, trocar wi-fi",
            md(
                """
                O seu roteador é gerenciado: para que a configuração não se perca, as
                mudanças de Wi-Fi são feitas por nós.

                ## Como pedir

                Abra um chamado **Configuração da minha conta** com:

                - o nome da rede atual e o novo, se mudar;
                - o horário que prefere para a mudança (todos os aparelhos se desconectam).

                **Não escreva a nova senha no chamado.** Nós a passamos por telefone, ou
                você a escolhe durante a ligação.

                ## Depois da mudança

                Cada aparelho precisa "esquecer" a rede e conectar de novo com a senha
                nova. Lembre-se das impressoras, câmeras e maquininhas de cartão: são as
                que mais ficam sem conexão.
                """
            ),
        ),
        "fr": T(
            "Changer le nom ou le mot de passe du Wi-Fi",
            "Nous le faisons sur votre routeur géré : quoi demander, et ce qui arrive aux "
            "appareils connectés.",
            "mot de passe wi-fi, clé wi-fi, nom du réseau, SSID, changer le wi-fi",
            md(
                """
                Votre routeur est géré : pour que sa configuration ne se perde pas, c'est
                nous qui faisons les changements de Wi-Fi.

                ## Comment le demander

                Ouvrez un ticket **Configuration de mon compte** avec :

                - le nom du réseau actuel et le nouveau, s'il change ;
                - l'heure qui vous convient (tous les appareils sont déconnectés).

                **N'écrivez pas le nouveau mot de passe dans le ticket.** Nous vous le
                donnons par téléphone, ou vous le choisissez pendant l'appel.

                ## Après le changement

                Chaque appareil doit « oublier » le réseau et s'y reconnecter avec la
                nouvelle clé. Pensez aux imprimantes, caméras et terminaux de paiement :
                ce sont eux qui restent le plus souvent hors ligne.
                """
            ),
        ),
    },
)

GUEST_WIFI = Doc(
    key="guest-wifi",
    category="wifi",
    days=19,
    views=88,
    related=("wifi-password",),
    texts={
        "es": T(
            "Una red WiFi para visitas, separada de la suya",
            "Las visitas navegan sin ver sus computadores, impresoras ni servidores.",
            "wifi visitas, red de invitados, guest, VLAN",
            md(
                """
                Una red para visitas usa los mismos puntos de acceso pero una red aparte
                (una VLAN): quien se conecta a ella llega a internet y a nada más.

                - Tiene su propio nombre y contraseña, que puede cambiar seguido.
                - Limitamos su velocidad para que no afecte a su oficina.
                - Se pide como una mejora en **Mejoras**, indicando las sedes y cuántas
                  personas la usarán a la vez.
                """
            ),
        ),
        "en": T(
            "A guest Wi-Fi network, separate from yours",
            "Visitors browse without seeing your computers, printers or servers.",
            "guest wifi, visitors network, guest, VLAN",
            md(
                """
                A guest network uses the same access points but a separate network (a
                VLAN): whoever joins it reaches the internet and nothing else.

                - It has its own name and password, which you can change often.
                - We cap its speed so that it does not slow your office down.
                - Ask for it as a wish under **Wishes**, saying which sites and how many
                  people will use it at once.
                """
            ),
        ),
    },
)

ARTICLES = [SLOW_WIFI, SPEED_TEST, WIFI_PASSWORD, GUEST_WIFI]
